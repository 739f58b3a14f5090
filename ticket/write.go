package ticket

import (
	"fmt"
)

// CustomerActor and AgentActor name who did something, as events record it.
func CustomerActor(id int64) string { return fmt.Sprintf("customer:%d", id) }

func AgentActor(id int64) string { return fmt.Sprintf("agent:%d", id) }

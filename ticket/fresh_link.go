package ticket

import (
	"time"
)

// FreshLinkEvery is how often one address may be sent a fresh link to one
// ticket: asking again sooner sends nothing more.
const FreshLinkEvery = 10 * time.Minute

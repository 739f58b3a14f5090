package ticket

// AgentNotifySettings is what an agent chose about notices.
type AgentNotifySettings struct {
	Events             []AgentEvent
	Quiet              bool
	QuietFrom, QuietTo int     // minutes after midnight UTC
	Follows            []int64 // mailbox ids
	Channels           AlertChannels
}

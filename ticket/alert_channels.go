package ticket

// AlertChannels is which channels a customer with push subscriptions
// wants alerts on. A customer without one gets email whatever it says.
type AlertChannels string

const (
	ChannelsEmail AlertChannels = "email"
	ChannelsPush  AlertChannels = "push"
	ChannelsBoth  AlertChannels = "both"
)

// Valid reports whether c is one of the three choices.
func (c AlertChannels) Valid() bool {
	return c == ChannelsEmail || c == ChannelsPush || c == ChannelsBoth
}

package ticket

import (
	"errors"
)

// ErrMerged is returned for a ticket that was merged into another: it
// cannot be merged or split itself (its number leads to the other).
var ErrMerged = errors.New("ticket was merged into another")

// ErrSameTicket is returned for merging a ticket into itself.
var ErrSameTicket = errors.New("a ticket cannot be merged into itself")

// ErrSplitFirst is returned for splitting a ticket at its first message:
// that would move the whole ticket.
var ErrSplitFirst = errors.New("the first message is the whole ticket")

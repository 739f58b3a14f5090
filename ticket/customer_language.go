package ticket

import (
	"errors"
)

// ErrUnknownLanguage is a language the product does not speak.
var ErrUnknownLanguage = errors.New("unknown language")

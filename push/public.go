package push

import (
	"net/http"
	"time"
)

// CheckPublicURL applies the rule push endpoints follow to any URL that
// inboxdesk will call on someone's word (webhooks too): https, a public host
// name, no numeric or local host.
func CheckPublicURL(raw string) error { return checkEndpoint(raw) }

// PublicOnlyClient is an HTTP client that connects only to public unicast
// addresses, whatever a name resolves to at dial time.
func PublicOnlyClient(timeout time.Duration) *http.Client { return publicOnlyClient(timeout) }

package ticket

import (
	"time"
)

// PushSubscription is one browser a customer (or an agent) turned push alerts on in: the
// push service's endpoint for it and the keys its payloads are encrypted to
// (PushSubscription.getKey in the browser, base64url).
type PushSubscription struct {
	ID         int64
	CustomerID int64
	AgentID    int64 // set instead of CustomerID for an agent's browser
	Endpoint   string
	P256dh     string
	Auth       string
	Label      string // the browser's User-Agent, to tell devices apart
	CreatedAt  time.Time
	LastUsed   time.Time // zero until a push went out
	// LastAlertID is the alert last delivered to this device; a retry of that
	// alert skips it (0 = none).
	LastAlertID int64
}

// MaxPushDevices is how many devices one customer may have subscribed;
// subscribing one more drops the oldest (each alert is one request per
// device, to hosts the browsers chose).
const MaxPushDevices = 10

// VAPIDKeyPair is the application server's key pair for VAPID (RFC 8292),
// base64url: the public key uncompressed P-256, the private key its scalar.
type VAPIDKeyPair struct {
	Public  string
	Private string
}

package ticket

// VAPIDKeyPair is the application server's key pair for VAPID (RFC 8292),
// base64url: the public key uncompressed P-256, the private key its scalar.
type VAPIDKeyPair struct {
	Public  string
	Private string
}

package push

import (
	"crypto/ecdh"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"inboxdesk/ticket"
)

// maxEndpoint bounds an endpoint URL (the push services' are a few hundred bytes).
const maxEndpoint = 2048

// ParseSubscription reads the JSON of a browser's PushSubscription
// (PushSubscription.toJSON: endpoint and keys p256dh and auth) and checks
// it: an https endpoint on a named host (not an address literal or
// localhost: the server posts to it), a P-256 public key and a 16-byte
// auth secret. The result has no customer yet.
func ParseSubscription(raw []byte) (ticket.PushSubscription, error) {
	var in struct {
		Endpoint string `json:"endpoint"`
		Keys     struct {
			P256dh string `json:"p256dh"`
			Auth   string `json:"auth"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return ticket.PushSubscription{}, fmt.Errorf("push subscription: %w", err)
	}
	if err := checkEndpoint(in.Endpoint); err != nil {
		return ticket.PushSubscription{}, fmt.Errorf("push subscription: %w", err)
	}
	if err := checkDeviceKeys(in.Keys.P256dh, in.Keys.Auth); err != nil {
		return ticket.PushSubscription{}, fmt.Errorf("push subscription: %w", err)
	}
	return ticket.PushSubscription{Endpoint: in.Endpoint, P256dh: in.Keys.P256dh, Auth: in.Keys.Auth}, nil
}

func checkEndpoint(raw string) error {
	if raw == "" || len(raw) > maxEndpoint {
		return errors.New("endpoint missing or too long")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return errors.New("endpoint must be an https URL")
	}
	host := normalHost(u.Hostname())
	if net.ParseIP(host) != nil || endsInNumber(host) || !hostName(host) ||
		host == "localhost" || strings.HasSuffix(host, ".localhost") || !strings.Contains(host, ".") {
		return errors.New("endpoint must be on a public host name")
	}
	return nil
}

// normalHost is the host as a resolver sees it: lower case, without the
// trailing dot of a fully qualified name ("localhost." is localhost).
func normalHost(host string) string {
	return strings.TrimRight(strings.ToLower(host), ".")
}

// endsInNumber reports whether host's last label is a number (decimal,
// octal or 0x hex): such a host is an IPv4 address in one of the forms
// resolvers and browsers accept ("0177.0.0.1", "0x7f.1", "127.1"), never a
// name, since no top-level domain is numeric.
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		last = strings.TrimLeft(hex, "0123456789abcdef")
		return last == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// hostName reports whether host is made of non-empty labels of a-z, 0-9
// and "-" (push services use plain ASCII names).
func hostName(host string) bool {
	for _, label := range strings.Split(host, ".") {
		if label == "" || strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

func checkDeviceKeys(p256dh, auth string) error {
	pub, err := decodeKey(p256dh)
	if err != nil {
		return fmt.Errorf("p256dh: %w", err)
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return fmt.Errorf("p256dh: %w", err)
	}
	secret, err := decodeKey(auth)
	if err != nil || len(secret) != 16 {
		return errors.New("auth must be 16 bytes, base64url")
	}
	return nil
}

package push_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"inboxdesk/push"
	"inboxdesk/ticket"
)

func TestParseSubscription(t *testing.T) {
	d := newDevice(t)
	p256dh, auth := d.keys()
	js := func(endpoint, p256dh, auth string) string {
		return fmt.Sprintf(`{"endpoint":%q,"expirationTime":null,"keys":{"p256dh":%q,"auth":%q}}`, endpoint, p256dh, auth)
	}
	good := "https://fcm.googleapis.com/fcm/send/abc:def"
	cases := []struct {
		name, body string
		ok         bool
	}{
		{"browser's subscription", js(good, p256dh, auth), true},
		{"not JSON", "endpoint=x", false},
		{"http endpoint", js("http://push.example.net/x", p256dh, auth), false},
		{"address literal", js("https://10.0.0.1/x", p256dh, auth), false},
		{"localhost", js("https://localhost/x", p256dh, auth), false},
		{"localhost with trailing dot", js("https://localhost./x", p256dh, auth), false},
		{"upper-case localhost with trailing dot", js("https://LocalHost.:8443/x", p256dh, auth), false},
		{"sub.localhost with trailing dot", js("https://a.localhost./x", p256dh, auth), false},
		{"address with trailing dot", js("https://127.0.0.1./x", p256dh, auth), false},
		{"octal address", js("https://0177.0.0.1/x", p256dh, auth), false},
		{"hex address", js("https://0x7f.0.0.1/x", p256dh, auth), false},
		{"hex address, one part", js("https://0x7f000001/x", p256dh, auth), false},
		{"decimal address", js("https://2130706433/x", p256dh, auth), false},
		{"decimal address with trailing dot", js("https://2130706433./x", p256dh, auth), false},
		{"short address", js("https://127.1/x", p256dh, auth), false},
		{"private address, octal", js("https://012.0.0.1/x", p256dh, auth), false},
		{"percent-encoded localhost", js("https://%6cocalhost./x", p256dh, auth), false},
		{"non-ASCII host", js("https://ｌｏｃａｌｈｏｓｔ/x", p256dh, auth), false},
		{"empty label", js("https://push..example.net/x", p256dh, auth), false},
		{"single-label host", js("https://intranet/x", p256dh, auth), false},
		{"credentials in URL", js("https://u:p@push.example.net/x", p256dh, auth), false},
		{"endpoint too long", js("https://push.example.net/"+strings.Repeat("a", 3000), p256dh, auth), false},
		{"key not on the curve", js(good, b64(make([]byte, 65)), auth), false},
		{"short auth", js(good, p256dh, b64(make([]byte, 8))), false},
		{"no keys", fmt.Sprintf(`{"endpoint":%q}`, good), false},
	}
	for _, c := range cases {
		sub, err := push.ParseSubscription([]byte(c.body))
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
		if c.ok && (sub.Endpoint != good || sub.P256dh != p256dh || sub.Auth != auth) {
			t.Errorf("%s: parsed %+v", c.name, sub)
		}
	}
}

type memKeys struct{ stored *ticket.VAPIDKeyPair }

func (m *memKeys) VAPIDKeys(_ context.Context, gen func() (ticket.VAPIDKeyPair, error)) (ticket.VAPIDKeyPair, error) {
	if m.stored == nil {
		k, err := gen()
		if err != nil {
			return k, err
		}
		m.stored = &k
	}
	return *m.stored, nil
}

func TestLoadKeys(t *testing.T) {
	ctx := context.Background()
	a, _ := push.GenerateVAPIDKeys()
	b, _ := push.GenerateVAPIDKeys()
	if err := push.CheckKeys(a); err != nil {
		t.Fatalf("generated pair: %v", err)
	}
	store := &memKeys{}
	first, err := push.LoadKeys(ctx, ticket.VAPIDKeyPair{}, store)
	if err != nil || push.CheckKeys(first) != nil {
		t.Fatalf("generated on first start: %+v, %v", first, err)
	}
	if again, _ := push.LoadKeys(ctx, ticket.VAPIDKeyPair{}, store); again != first {
		t.Fatal("second start made another pair")
	}
	if got, err := push.LoadKeys(ctx, a, store); err != nil || got != a {
		t.Fatalf("configured pair not used: %+v, %v", got, err)
	}
	for _, bad := range []ticket.VAPIDKeyPair{{Public: a.Public, Private: b.Private}, {Public: a.Public}, {Private: "x"}} {
		if _, err := push.LoadKeys(ctx, bad, store); err == nil {
			t.Errorf("mismatched or partial pair %+v accepted", bad)
		}
	}
}

func FuzzParseSubscription(f *testing.F) {
	f.Add(`{"endpoint":"https://fcm.googleapis.com/fcm/send/x","keys":{"p256dh":"BAAA","auth":"AAAAAAAAAAAAAAAAAAAAAA"}}`)
	f.Add(`{"endpoint":"https://[::1]/x"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, raw string) {
		sub, err := push.ParseSubscription([]byte(raw))
		if err != nil {
			return
		}
		if !strings.HasPrefix(sub.Endpoint, "https://") || sub.P256dh == "" || sub.Auth == "" {
			t.Fatalf("accepted %+v", sub)
		}
	})
}

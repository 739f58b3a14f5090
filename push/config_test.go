package push_test

import (
	"testing"

	"inboxdesk/link"
	"inboxdesk/push"
	"inboxdesk/storage"
	"inboxdesk/ticket"
)

func TestNewDelivererChecksConfig(t *testing.T) {
	vapid, _ := push.GenerateVAPIDKeys()
	other, _ := push.GenerateVAPIDKeys()
	keys, _ := link.ParseKeys(link.GenerateKey())
	base, _ := link.ParseBaseURL("https://help.example.com")
	good := push.Config{Keys: vapid, Subject: "mailto:ops@example.com", LinkKeys: keys, BaseURL: base}
	cases := map[string]func(*push.Config){
		"no keys":             func(c *push.Config) { c.Keys = ticket.VAPIDKeyPair{} },
		"halves of two pairs": func(c *push.Config) { c.Keys.Public = other.Public },
		"bare address":        func(c *push.Config) { c.Subject = "ops@example.com" },
		"no link keys":        func(c *push.Config) { c.LinkKeys = nil },
		"no base URL":         func(c *push.Config) { c.BaseURL = link.BaseURL{} },
		"unknown urgency":     func(c *push.Config) { c.Urgency = "urgent" },
	}
	for name, change := range cases {
		c := good
		change(&c)
		if _, err := push.NewDeliverer(c, &storage.Store{}, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	d, err := push.NewDeliverer(good, &storage.Store{}, nil)
	if err != nil || d.PublicKey() != vapid.Public {
		t.Fatalf("good config: %v", err)
	}
}

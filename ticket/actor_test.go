package ticket

import "testing"

func TestActorRoundTrip(t *testing.T) {
	cases := []struct {
		a    Actor
		text string
	}{
		{AgentActor(12), "agent:12"},
		{AgentActor(0), "agent:0"},
		{CustomerActor(7), "customer:7"},
		{SystemActor, "system"},
		{MailActor, "mail"},
	}
	for _, c := range cases {
		if got := c.a.String(); got != c.text {
			t.Errorf("%+v: %q, want %q", c.a, got, c.text)
		}
		if got := ParseActor(c.text); got != c.a {
			t.Errorf("%q: %+v, want %+v", c.text, got, c.a)
		}
	}
	for _, odd := range []string{"agent:x", "robot:3", ""} {
		if got := ParseActor(odd); got.String() != odd {
			t.Errorf("%q read as %+v, written %q", odd, got, got.String())
		}
	}
}

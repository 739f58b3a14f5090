package web

import (
	"net/http"
	"testing"
)

// The proxy appends the address it saw; whatever comes before it is the
// client's to forge, so varying it must not make a new client.
func TestClientIPTakesTheEntryTheProxyAppended(t *testing.T) {
	s := &Server{cfg: Config{ClientIPHeader: "X-Forwarded-For"}}
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"one entry", []string{"203.0.113.5"}, "203.0.113.5"},
		{"forged first entry", []string{"198.51.100.1, 203.0.113.5"}, "203.0.113.5"},
		{"spaces", []string{"198.51.100.1 ,  203.0.113.5 "}, "203.0.113.5"},
		{"several header lines", []string{"198.51.100.1", "10.9.9.9, 203.0.113.5"}, "203.0.113.5"},
		{"ipv6", []string{"1.2.3.4, 2001:db8::1"}, "2001:db8::1"},
		{"garbage last entry", []string{"203.0.113.5, nonsense"}, "192.0.2.1"},
		{"absent", nil, "192.0.2.1"},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "192.0.2.1:4321"
		for _, v := range tt.values {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientIP(r); got != tt.want {
			t.Errorf("%s: clientIP = %q, want %q", tt.name, got, tt.want)
		}
	}
}

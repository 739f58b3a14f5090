package push

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDefaultClientRefusesNonPublicAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	c := publicOnlyClient(time.Second)
	_, err := c.Post(srv.URL, "application/octet-stream", nil)
	if err == nil || !strings.Contains(err.Error(), "non-public") {
		t.Fatalf("post to %s: err = %v, want refused", srv.URL, err)
	}
	for _, addr := range []string{"10.1.2.3:443", "192.168.0.1:443", "[::1]:443", "169.254.169.254:80",
		"100.64.0.1:443", "[fd00::1]:443", "0.0.0.0:443"} {
		if refuseNonPublic("tcp", addr, nil) == nil {
			t.Errorf("%s allowed", addr)
		}
	}
	for _, addr := range []string{"142.250.0.1:443", "[2a00:1450::1]:443"} {
		if err := refuseNonPublic("tcp", addr, nil); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
}

// A host name passes the subscription check, but what it resolves to at
// delivery is what counts: a name resolving to loopback is refused when
// dialling, and the server behind it never hears from us.
func TestDefaultClientRefusesNamesResolvingToLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	c := publicOnlyClient(time.Second)
	for _, host := range []string{"localhost", "LOCALHOST"} {
		_, err := c.Post("http://"+net.JoinHostPort(host, port)+"/push", "application/octet-stream", nil)
		if err == nil || !strings.Contains(err.Error(), "non-public") {
			t.Errorf("post to %s: err = %v, want refused as non-public", host, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback server got %d requests", n)
	}
}

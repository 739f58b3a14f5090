package push

import (
	"net/http"
	"net/http/httptest"
	"strings"
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

package push

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// publicOnlyClient is the default client for the push services: it connects
// only to public unicast addresses. An endpoint's host is the browser's
// choice, checked when it subscribed, but its name may resolve to an
// internal address later. It uses no proxy; give Config.HTTPClient for one.
func publicOnlyClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: refuseNonPublic}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = d.DialContext
	return &http.Client{Timeout: timeout, Transport: t}
}

// refuseNonPublic is a net.Dialer Control that refuses loopback, private,
// link-local, multicast and unspecified addresses.
func refuseNonPublic(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || cgnat.Contains(ip) {
		return fmt.Errorf("push: refusing to connect to non-public address %s", ip)
	}
	return nil
}

// cgnat is the shared address space of RFC 6598, not reachable from the internet.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

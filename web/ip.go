package web

import (
	"net"
	"net/http"
	"strings"
)

// clientIP returns the client's address for rate limits: from the trusted
// proxy header when configured, else from the connection. Of a list
// (X-Forwarded-For, possibly over several header lines) the last entry
// counts: it is the one the proxy appended; anything before it came from the
// client and may be forged.
func (s *Server) clientIP(r *http.Request) string {
	if h := s.cfg.ClientIPHeader; h != "" {
		if vs := r.Header.Values(h); len(vs) > 0 {
			v := vs[len(vs)-1]
			last := v[strings.LastIndexByte(v, ',')+1:]
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

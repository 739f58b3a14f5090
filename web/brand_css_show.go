package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
)

// brandCSS is the stylesheet that gives pages the brand's accent colour
// (pages allow no inline style).
func brandCSS(accent, onAccent string) string {
	return fmt.Sprintf(":root { --accent: %s; --accent-fg: %s; }\n", accent, onAccent)
}

// brandCSSShow serves brandCSS. Its URL carries a hash of the content, so
// it may be cached for long.
func (s *Server) brandCSSShow(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write([]byte(s.brandCSS))
}

func cssVersion(css string) string {
	sum := sha256.Sum256([]byte(css))
	return hex.EncodeToString(sum[:4])
}

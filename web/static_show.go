package web

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
)

// staticShow serves the embedded CSS and images. URLs carry a content hash
// (see asset), so they may be cached for long.
func (s *Server) staticShow(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, err := fs.ReadFile(assets, "static/"+name)
	if err != nil {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(b)
}

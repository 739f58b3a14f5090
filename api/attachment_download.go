package api

import (
	"mime"
	"net/http"
	"strconv"
)

// attachmentDownload answers an attachment's bytes, always as a download
// (never rendered by a browser on our origin).
func (a *API) attachmentDownload(w http.ResponseWriter, r *http.Request, _ *caller) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		problem(w, http.StatusNotFound, "not found", "an attachment id is digits")
		return
	}
	f, err := a.deps.Tickets.Attachment(r.Context(), id)
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}

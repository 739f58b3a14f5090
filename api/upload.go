package api

import (
	"fmt"
	"net/http"

	"inboxdesk/ticket"
	"inboxdesk/web"
)

// fileJSON is an uploaded file: its name and its bytes (base64 in JSON).
type fileJSON struct {
	Filename string `json:"filename"`
	Data     []byte `json:"data"`
}

// uploads applies the pages' upload rules (web.UploadAllowed: count, size,
// sniffed type, stored name) to a request's files; a refused file refuses
// the whole request (422) and nothing is stored.
func (a *API) uploads(w http.ResponseWriter, in []fileJSON) ([]ticket.Attachment, bool) {
	if len(in) > a.cfg.MaxUploadFiles {
		problem(w, http.StatusUnprocessableEntity, "too many files",
			fmt.Sprintf("at most %d files a message", a.cfg.MaxUploadFiles))
		return nil, false
	}
	var total int64
	out := make([]ticket.Attachment, 0, len(in))
	for i, f := range in {
		total += int64(len(f.Data))
		name, typ, ok := web.UploadAllowed(f.Filename, f.Data, a.cfg.UploadTypes, i+1)
		switch {
		case len(f.Data) == 0:
			problem(w, http.StatusUnprocessableEntity, "empty file", fmt.Sprintf("file %d (%s) is empty", i+1, name))
			return nil, false
		case total > a.cfg.MaxUploadBytes:
			problem(w, http.StatusUnprocessableEntity, "files too big",
				fmt.Sprintf("the files of one request may hold at most %d bytes", a.cfg.MaxUploadBytes))
			return nil, false
		case !ok:
			problem(w, http.StatusUnprocessableEntity, "file type not allowed",
				fmt.Sprintf("file %d (%s) is %s, which is not accepted", i+1, name, typ))
			return nil, false
		}
		out = append(out, ticket.Attachment{Filename: name, ContentType: typ, Data: f.Data})
	}
	return out, true
}

// bodyLimit is the largest JSON body that carries files: base64 makes them a
// third larger, and a MiB more is left for the text.
func (a *API) bodyLimit() int64 { return a.cfg.MaxUploadBytes/3*4 + 1<<20 }

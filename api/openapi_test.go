package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"inboxdesk/auth"
	"inboxdesk/storage"
)

// TestOpenAPIDocumentsExactlyTheServedRoutes checks the document against
// the mux: every route is documented, every documented route is served.
func TestOpenAPIDocumentsExactlyTheServedRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, rt := range routes() {
		served = append(served, rt.method+" "+rt.path)
	}
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("documented:\n%s\n\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
	// And the mux answers each documented route itself, not with its
	// fallback (no stores are needed: the token check comes first).
	a := &API{deps: Deps{Tickets: &storage.Store{}, Auth: &auth.Store{}}, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		limits: newLimiter(10, 1)}
	h := a.Handler()
	param := regexp.MustCompile(`\{[a-z]+\}`)
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		req := httptest.NewRequest(method, param.ReplaceAllString(path, "1"), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusMethodNotAllowed || strings.Contains(rec.Body.String(), "no such endpoint") {
			t.Errorf("%s is documented but not served: %d %s", op, rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/undocumented", nil))
	if !strings.Contains(rec.Body.String(), "no such endpoint") {
		t.Fatalf("the fallback is not what an unserved route gets: %s", rec.Body)
	}
}

// TestOpenAPISchemasMatchTheAnswers checks that each documented schema
// lists exactly the JSON fields the handlers write.
func TestOpenAPISchemasMatchTheAnswers(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"Ticket": ticketJSON{}, "Message": messageJSON{}, "Attachment": attachmentJSON{},
		"TicketSummary": summaryJSON{}, "Event": eventJSON{}} {
		var documented, written []string
		for p := range doc.Components.Schemas[name].Properties {
			documented = append(documented, p)
		}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			written = append(written, tag)
		}
		sort.Strings(documented)
		sort.Strings(written)
		if !slices.Equal(documented, written) {
			t.Errorf("%s: documented %v, written %v", name, documented, written)
		}
	}
}

// Package api is the REST API under /api/v1: JSON over the same ticket store
// and rules as the web view, for agents' personal access tokens.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"inboxdesk/auth"
	"inboxdesk/storage"
	"inboxdesk/web"
)

// Deps are the stores the API reads and changes.
type Deps struct {
	Tickets *storage.Store
	Auth    *auth.Store
}

// Config tunes the API.
type Config struct {
	// RatePerMinute is how many requests one token may make a minute
	// (bursts up to the same number); 0 means 600.
	RatePerMinute int
	// UploadTypes, MaxUploadBytes and MaxUploadFiles bound the files a reply
	// carries, as on the pages; zero values mean the web view's defaults.
	// The files of one request together may not exceed MaxUploadBytes.
	UploadTypes    []string
	MaxUploadBytes int64
	MaxUploadFiles int
}

// API serves /api/v1.
type API struct {
	deps   Deps
	cfg    Config
	log    *slog.Logger
	limits *limiter
}

// route is one endpoint: its method and path pattern, the scope a token
// needs, and its handler. The OpenAPI document lists exactly these.
type route struct {
	method, path string
	scope        auth.Scope // "" = no token needed
	handle       func(a *API, w http.ResponseWriter, r *http.Request, c *caller)
}

func routes() []route {
	return []route{
		{"GET", "/api/v1/openapi.json", "", (*API).openAPIShow},
		{"GET", "/api/v1/tickets", auth.ScopeRead, (*API).ticketsList},
		{"POST", "/api/v1/tickets", auth.ScopeWrite, (*API).ticketCreate},
		{"GET", "/api/v1/tickets/{number}", auth.ScopeRead, (*API).ticketShow},
		{"POST", "/api/v1/tickets/{number}/{action}", auth.ScopeWrite, (*API).ticketAct},
		{"PUT", "/api/v1/tickets/{number}/assignee", auth.ScopeWrite, (*API).ticketAssign},
		{"GET", "/api/v1/tickets/{number}/events", auth.ScopeRead, (*API).eventsList},
		{"GET", "/api/v1/attachments/{id}", auth.ScopeRead, (*API).attachmentDownload},
		{"GET", "/api/v1/customers/{email}", auth.ScopeRead, (*API).customerShow},
	}
}

// New returns the API over deps.
func New(deps Deps, cfg Config, log *slog.Logger) (*API, error) {
	if deps.Tickets == nil || deps.Auth == nil {
		return nil, errors.New("api: Deps needs Tickets and Auth")
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 600
	}
	if len(cfg.UploadTypes) == 0 {
		cfg.UploadTypes = web.DefaultUploadTypes
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = web.DefaultMaxUploadBytes
	}
	if cfg.MaxUploadFiles <= 0 {
		cfg.MaxUploadFiles = web.DefaultMaxUploadFiles
	}
	return &API{deps: deps, cfg: cfg, log: log, limits: newLimiter(cfg.RatePerMinute, time.Minute)}, nil
}

// Handler serves every route; unknown paths under /api/v1 get a problem
// document, never the web view's HTML.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes() {
		mux.HandleFunc(rt.method+" "+rt.path, a.guard(rt))
	}
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "no such endpoint", r.Method+" "+r.URL.Path+" is not part of the API")
	})
	return mux
}

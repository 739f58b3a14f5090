package auth

import (
	"context"
	"time"
)

// Keeper keeps what signing in needs (storage.SignIn). It stores, counts
// and finds; it decides nothing: the rules (limits and their windows,
// expiry, who may sign in) are this package's, and the times they compare
// are passed in. Codes, session ids, device and token secrets reach it
// hashed. A row that is not there gives ErrNotFound.
type Keeper interface {
	// InTx runs fn in one transaction, with a Keeper whose calls run in
	// it; an error from fn rolls it back.
	InTx(ctx context.Context, fn func(Keeper) error) error
	CodeKeeper
	SessionKeeper
	AgentKeeper
	LoginKeeper
	APITokenKeeper
	InviteKeeper
	// Sweep deletes what is older than the cutoffs and returns the rows
	// deleted (those of the statements run before any error).
	Sweep(ctx context.Context, c SweepCutoffs) (int64, error)
}

// CodeKeeper keeps one-time codes, their sends and the wrong codes typed.
type CodeKeeper interface {
	// LockCodeSends takes transaction locks (within InTx) on the sends to
	// email and from ip, so that concurrent requests count one after the other.
	LockCodeSends(ctx context.Context, email, ip string) error
	// CodeSends counts the sends after each of since's times.
	CodeSends(ctx context.Context, email, ip string, since SendWindows) (SendCounts, error)
	// SaveCode replaces the browser's code for the address with c, with
	// no tries yet, and records the send from ip.
	SaveCode(ctx context.Context, c StoredCode, ip string) error
	// LockCode returns the browser's code for the address, locked for the
	// transaction.
	LockCode(ctx context.Context, email string, browserHash []byte) (*StoredCode, error)
	// CodeFailures counts the wrong codes typed from ip after ipSince and
	// for email after emailSince.
	CodeFailures(ctx context.Context, ip string, ipSince time.Time, email string, emailSince time.Time) (byIP, byEmail int, err error)
	// RecordCodeFailure counts a wrong try against the browser's code, the
	// client and the address.
	RecordCodeFailure(ctx context.Context, email string, browserHash []byte, ip string, at time.Time) error
	DeleteCode(ctx context.Context, email string, browserHash []byte) error
}

// SessionKeeper keeps web sessions.
type SessionKeeper interface {
	InsertSession(ctx context.Context, s StoredSession) error
	// SessionByHash returns the session with its owner's address, name,
	// language and role, whether live or not.
	SessionByHash(ctx context.Context, idHash []byte) (*StoredSession, error)
	TouchSession(ctx context.Context, idHash []byte, at time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error
	DeleteAgentSessions(ctx context.Context, agentID int64) error
}

// AgentKeeper keeps agent accounts.
type AgentKeeper interface {
	// InsertAgent adds an agent with role; role "" makes it an admin when
	// the team has no enabled admin, else an agent, decided in the one
	// statement so that two first agents cannot both become admin. An
	// address in use gives ErrAgentExists.
	InsertAgent(ctx context.Context, email, name, passwordHash string, role AgentRole) (*Agent, error)
	AgentByEmail(ctx context.Context, email string) (*Agent, error)
	AgentByID(ctx context.Context, id int64) (*Agent, error)
	// AgentPassword returns what a password sign-in checks.
	AgentPassword(ctx context.Context, email string) (*AgentPassword, error)
	// UpdateAgentByEmail and UpdateAgentByID apply the fields c sets.
	UpdateAgentByEmail(ctx context.Context, email string, c AgentChange) (*Agent, error)
	UpdateAgentByID(ctx context.Context, id int64, c AgentChange) (*Agent, error)
	// LockAdmins locks the admins' rows for the transaction.
	LockAdmins(ctx context.Context) error
	HasEnabledAdmin(ctx context.Context) (bool, error)
	// ListAgents returns every agent, enabled ones first, then by address.
	ListAgents(ctx context.Context) ([]Agent, error)
}

// LoginKeeper keeps failed sign-ins and the devices agents signed in from.
type LoginKeeper interface {
	// LoginFailures counts the failures after since that the limits look at.
	LoginFailures(ctx context.Context, email, ip string, deviceHash []byte, since time.Time) (LoginCounts, error)
	InsertLoginFailure(ctx context.Context, email, ip string, deviceHash []byte, at time.Time) error
	// ClearLoginFailures forgets the address's failures from ip or the device.
	ClearLoginFailures(ctx context.Context, email, ip string, deviceHash []byte) error
	// TouchDevice marks the agent's device used at at; false when the
	// device is not the agent's.
	TouchDevice(ctx context.Context, deviceHash []byte, agentID int64, at time.Time) (bool, error)
	InsertDevice(ctx context.Context, deviceHash []byte, agentID int64, at time.Time) error
}

// APITokenKeeper keeps personal access tokens.
type APITokenKeeper interface {
	// InsertAPIToken stores t with the secret's hash and sets its ID and CreatedAt.
	InsertAPIToken(ctx context.Context, t *APIToken, hash []byte) error
	// APITokens lists the tokens of the agent with the address (all
	// agents' when empty), newest first.
	APITokens(ctx context.Context, agentEmail string) ([]APIToken, error)
	// RevokeAPIToken revokes a live token, when it is agentID's (any
	// agent's for 0).
	RevokeAPIToken(ctx context.Context, agentID, id int64) error
	// UseAPIToken records the use of the live token with the hash and
	// returns it; revoked tokens and those of disabled agents are not found.
	UseAPIToken(ctx context.Context, hash []byte) (*APIToken, error)
}

// InviteKeeper keeps agent invitations.
type InviteKeeper interface {
	// ReplaceInvite locks the agent, ends its invitations still open at
	// now and adds one made now that expires at expires, by the agent by
	// (0 for none).
	ReplaceInvite(ctx context.Context, agentID, by int64, now, expires time.Time) (*Invite, error)
	Invite(ctx context.Context, id int64) (*StoredInvite, error)
	// LockInvite is Invite, the invitation locked for the transaction.
	LockInvite(ctx context.Context, id int64) (*StoredInvite, error)
	UseInvite(ctx context.Context, id int64, at time.Time) error
}

// SendWindows are the starts of the windows code sends are counted in.
type SendWindows struct{ Pair, Email, IP time.Time }

// SendCounts are the codes sent to one address from one client (Pair), to
// the address from all (Email) and from the client to all (IP).
type SendCounts struct{ Pair, Email, IP int }

// StoredCode is a one-time code as kept: hashed, bound to a browser.
type StoredCode struct {
	Email       string
	BrowserHash []byte
	CodeHash    []byte
	Attempts    int // wrong tries so far (read only)
	Purpose     string
	Ticket      int64 // 0 for none
	ExpiresAt   time.Time
	CreatedAt   time.Time
}

// StoredSession is a session as kept: its id hashed, with the state of
// its agent.
type StoredSession struct {
	Session
	IDHash        []byte
	AgentDisabled bool
}

// AgentPassword is what a password sign-in checks of an agent.
type AgentPassword struct {
	ID       int64
	Hash     string // "" when no password is set
	Disabled bool
}

// AgentChange is the fields an agent update sets (nil ones stay).
type AgentChange struct {
	PasswordHash *string
	Disabled     *bool
	Role         *AgentRole
}

// LoginCounts are the failures within LoginWindow that the limits look at.
type LoginCounts struct {
	ByIP, ByPair, ByEmail, ByDevice int
	LastPair, LastEmail             *time.Time
	// KnownDevice: the device has signed in as the agent with the address.
	KnownDevice bool
}

// StoredInvite is an invitation with what decides whether it is usable.
type StoredInvite struct {
	Invite
	UsedAt        *time.Time
	AgentDisabled bool
}

// SweepCutoffs say what Sweep deletes: sessions that expire by
// SessionsExpired or were last seen by SessionsIdle, codes that expire by
// Codes, and records made by the other times.
type SweepCutoffs struct {
	SessionsExpired, SessionsIdle, Codes, CodeSends, CodeFailures, LoginFailures, Devices time.Time
}

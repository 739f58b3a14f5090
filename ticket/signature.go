package ticket

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// maxSignature bounds an agent's signature.
const maxSignature = 1000

// Signed returns a public reply's text with the agent's signature below it
// ("-- " on a line of its own, as mail readers expect); text as is when the
// agent has none.
func Signed(text, signature string) string {
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return text
	}
	return strings.TrimRight(text, " \r\n") + "\n\n-- \n" + signature
}

func signed(ctx context.Context, tx pgx.Tx, agentID int64, text string) (string, error) {
	if agentID == 0 {
		return text, nil
	}
	var sig string
	if err := tx.QueryRow(ctx, `SELECT signature FROM agents WHERE id = $1`, agentID).Scan(&sig); err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	return Signed(text, sig), nil
}

// SetSignature stores the agent's signature ("" for none); one longer than
// 1,000 characters gives an error wrapping ErrBadSignature.
func (s *Store) SetSignature(ctx context.Context, agentID int64, signature string) error {
	signature = strings.TrimSpace(cleanText(signature))
	if len([]rune(signature)) > maxSignature {
		return fmt.Errorf("%w: longer than %d characters", ErrBadSignature, maxSignature)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE agents SET signature = $2 WHERE id = $1`, agentID, signature); err != nil {
		return fmt.Errorf("set signature: %w", err)
	}
	return nil
}

// Signature returns the agent's signature ("" for none).
func (s *Store) Signature(ctx context.Context, agentID int64) (string, error) {
	var sig string
	if err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT signature FROM agents WHERE id = $1), '')`, agentID).Scan(&sig); err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	return sig, nil
}

// ErrBadSignature wraps why a signature cannot be saved.
var ErrBadSignature = errors.New("signature")

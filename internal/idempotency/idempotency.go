// Package idempotency makes a retried request act once: a request sent with an
// Idempotency-Key header is remembered with its answer for a day, per user, and a repeat of
// it gets that answer back instead of running again. Phones on poor networks retry requests
// whose answer they lost; without this a retried stock movement or status change would act
// twice.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/idempotencykey"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Header is the request header that carries the key; Replayed marks an answer given again.
const (
	Header   = "Idempotency-Key"
	Replayed = "Idempotent-Replayed"
)

// MaxKeyLen bounds a key: a UUID is 36 characters, a generous client 255.
const MaxKeyLen = 255

// Store keeps the keys in the database, so that a retry reaching another replica, or the
// same one after a restart, is still recognised.
type Store struct {
	Client *ent.Client
	// TTL is how long a key is remembered (24 h by default).
	TTL time.Duration
	// Abandoned is how long a first request may run before a retry may take its key over
	// (its server died before answering). It exceeds the server's write timeout.
	Abandoned time.Duration
	// MaxBody bounds the request body read to fingerprint it.
	MaxBody int64
	Now     func() time.Time
	Log     *slog.Logger

	mu     sync.Mutex
	purged time.Time
}

// Defaults of a Store.
const (
	DefaultTTL       = 24 * time.Hour
	DefaultAbandoned = 2 * time.Minute
)

func (s *Store) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultTTL
}

func (s *Store) abandoned() time.Duration {
	if s.Abandoned > 0 {
		return s.Abandoned
	}
	return DefaultAbandoned
}

// Middleware answers the requests of an authenticated user that carry an Idempotency-Key:
// the first with next, remembering the answer; a repeat with the same key and the same
// request with the remembered answer (header Idempotent-Replayed: true); a repeat with
// another request, or while the first still runs, with CONFLICT. Requests without the
// header, or without a viewer (they fail authentication anyway), go straight to next.
func (s *Store) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(Header)
		v := viewer.FromContext(r.Context())
		if key == "" || v == nil || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > MaxKeyLen || !printable(key) {
			writeError(w, http.StatusBadRequest, domain.CodeBadUserInput,
				fmt.Sprintf("%s must be 1 to %d printable ASCII characters (a UUID, say)", Header, MaxKeyLen))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBody))
		if err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, domain.CodeBadUserInput, "the request body is too large")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx := viewer.SystemContext(r.Context())
		s.purge(ctx)
		rec, err := s.claim(ctx, v.UserID, key, fingerprint(r, body))
		switch {
		case err != nil:
			s.Log.ErrorContext(ctx, "idempotency key", "error", err)
			writeError(w, http.StatusInternalServerError, domain.CodeInternal, "the request could not be recorded: retry it")
			return
		case rec.conflict != "":
			writeError(w, http.StatusConflict, domain.CodeConflict, rec.conflict)
			return
		case rec.done != nil:
			s.replay(w, rec.done)
			return
		}
		out := &recorder{ResponseWriter: w, status: http.StatusOK}
		completed := false
		defer func() {
			// A panic or an answer that says nothing was done frees the key for a retry.
			if !completed || !out.keep() {
				s.release(ctx, rec.id)
				return
			}
			s.complete(ctx, rec.id, out)
		}()
		next.ServeHTTP(out, r)
		completed = true
	})
}

// claimed is the outcome of claiming a key: a row of ours to fill (id), the answer of an
// earlier request (done), or why the key cannot serve this request (conflict).
type claimed struct {
	id       int
	done     *ent.IdempotencyKey
	conflict string
}

// claim takes the user's key for this request, atomically: of two requests racing with one
// key, the unique index lets one in and shows the other the first one's row.
func (s *Store) claim(ctx context.Context, userID int, key, hash string) (claimed, error) {
	now := s.Now()
	for attempt := 0; attempt < 3; attempt++ {
		row, err := s.Client.IdempotencyKey.Create().
			SetUserID(userID).
			SetKey(key).
			SetRequestHash(hash).
			SetExpiresAt(now.Add(s.ttl())).
			Save(ctx)
		if err == nil {
			return claimed{id: row.ID}, nil
		}
		if !ent.IsConstraintError(err) {
			return claimed{}, fmt.Errorf("recording idempotency key: %w", err)
		}
		old, err := s.Client.IdempotencyKey.Query().
			Where(idempotencykey.UserID(userID), idempotencykey.Key(key)).
			Only(ctx)
		if ent.IsNotFound(err) {
			continue // released or purged meanwhile: claim it again
		}
		if err != nil {
			return claimed{}, fmt.Errorf("reading idempotency key: %w", err)
		}
		stale := now.After(old.ExpiresAt) || (old.Status == nil && now.Sub(old.CreatedAt) > s.abandoned())
		switch {
		case stale:
			// Expired, or its request died unanswered: forget it (if nobody else did) and
			// claim it afresh.
			_, err := s.Client.IdempotencyKey.Delete().
				Where(idempotencykey.ID(old.ID), idempotencykey.UpdatedAt(old.UpdatedAt)).
				Exec(ctx)
			if err != nil {
				return claimed{}, fmt.Errorf("forgetting stale idempotency key: %w", err)
			}
			continue
		case old.RequestHash != hash:
			return claimed{conflict: fmt.Sprintf("%s %q was already used for another request: use a new key for a new request", Header, key)}, nil
		case old.Status == nil:
			return claimed{conflict: fmt.Sprintf("the request with %s %q is still running: retry in a moment", Header, key)}, nil
		}
		return claimed{done: old}, nil
	}
	return claimed{}, errors.New("idempotency key: claimed and released repeatedly, giving up")
}

// complete stores the answer of the request that claimed id.
func (s *Store) complete(ctx context.Context, id int, out *recorder) {
	err := s.Client.IdempotencyKey.UpdateOneID(id).
		SetStatus(out.status).
		SetResponse(out.body.Bytes()).
		SetContentType(out.Header().Get("Content-Type")).
		Exec(ctx)
	if err != nil {
		// The answer went out; only a retry of it could act twice. Free the key rather than
		// leave it running forever.
		s.Log.ErrorContext(ctx, "storing the answer of an idempotent request", "error", err, "id", id)
		s.release(ctx, id)
	}
}

// release forgets the key claimed as id: nothing was done, a retry may run.
func (s *Store) release(ctx context.Context, id int) {
	if err := s.Client.IdempotencyKey.DeleteOneID(id).Exec(ctx); err != nil && !ent.IsNotFound(err) {
		s.Log.ErrorContext(ctx, "releasing idempotency key", "error", err, "id", id)
	}
}

func (s *Store) replay(w http.ResponseWriter, row *ent.IdempotencyKey) {
	if row.ContentType != "" {
		w.Header().Set("Content-Type", row.ContentType)
	}
	w.Header().Set(Replayed, "true")
	w.WriteHeader(*row.Status)
	if row.Response != nil {
		_, _ = w.Write(*row.Response)
	}
}

// purgeEvery is how often expired keys are deleted, by whichever request comes first.
const purgeEvery = 10 * time.Minute

// purge deletes expired keys now and then: claim ignores them anyway, this keeps the table
// small.
func (s *Store) purge(ctx context.Context) {
	now := s.Now()
	s.mu.Lock()
	due := now.Sub(s.purged) >= purgeEvery
	if due {
		s.purged = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	n, err := s.Client.IdempotencyKey.Delete().Where(idempotencykey.ExpiresAtLT(now)).Exec(ctx)
	if err != nil {
		s.Log.WarnContext(ctx, "purging expired idempotency keys", "error", err)
		return
	}
	if n > 0 {
		s.Log.InfoContext(ctx, "expired idempotency keys purged", "count", n)
	}
}

// fingerprint identifies a request by its path, its type and its body. A multipart body is
// read with its boundary replaced, since a client builds a new one for each attempt.
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	ct := r.Header.Get("Content-Type")
	mt, params, _ := mime.ParseMediaType(ct)
	if b := params["boundary"]; mt == "multipart/form-data" && b != "" {
		body = bytes.ReplaceAll(body, []byte(b), []byte("boundary"))
		ct = mt
	}
	_, _ = fmt.Fprintf(h, "%s\n%s\n%s\n%d\n", r.Method, r.URL.Path, ct, len(body))
	_, _ = h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// recorder passes the answer on while keeping a copy of it.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// keep says whether the answer is remembered: everything but a server failure that did
// nothing. A GraphQL answer whose only errors are internal or unavailable, with no data,
// changed nothing (each mutation is one transaction), so its retry may run; any other
// answer, an error of the request included, is what a retry gets again.
func (r *recorder) keep() bool {
	if r.status >= 500 {
		return false
	}
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(r.body.Bytes(), &res) != nil || len(res.Errors) == 0 {
		return true
	}
	if len(res.Data) > 0 && string(res.Data) != "null" {
		return true
	}
	for _, e := range res.Errors {
		switch e.Extensions.Code {
		case string(domain.CodeInternal), string(domain.CodeUnavailable):
		default:
			return true
		}
	}
	return false
}

func writeError(w http.ResponseWriter, status int, code domain.Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusConflict {
		w.Header().Set("Retry-After", strconv.Itoa(1))
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message":    msg,
		"extensions": map[string]any{"code": code},
	}}})
}

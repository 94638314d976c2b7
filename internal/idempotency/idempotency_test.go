package idempotency_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/idempotencykey"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/idempotency"
)

const create = `mutation($in: CreateEquipementInput!) { createEquipement(input: $in) { id code } }`

func withKey(c *gqltest.Client, key string) *gqltest.Client {
	k := *c
	k.Header = http.Header{idempotency.Header: {key}}
	return &k
}

func equipements(t *testing.T, env *apptest.Env, code string) int {
	t.Helper()
	n, err := env.Client.Equipement.Query().Where(equipement.Code(code)).Count(env.Sys)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRetriesActOnce runs with the frozen clock and with the real one: the key's lifetime is
// compared with the clock the services read.
func TestRetriesActOnce(t *testing.T) {
	for _, running := range []bool{false, true} {
		name := map[bool]string{false: "FrozenClock", true: "RealClock"}[running]
		t.Run(name, func(t *testing.T) {
			env := apptest.New(t)
			if running {
				env.Clock.Run()
			}
			resp := env.User(t, "Resp", domain.RoleResponsable)
			other := env.User(t, "Autre", domain.RoleResponsable)
			c := env.As(t, resp)
			vars := func(code string) map[string]any {
				return map[string]any{"in": map[string]any{"nom": "Pompe", "code": code}}
			}

			first := withKey(c, "k-1").Do(create, vars("EQ-1"))
			if len(first.Errors) > 0 || first.Header.Get(idempotency.Replayed) != "" {
				t.Fatalf("first request: %+v, replayed=%q", first.Errors, first.Header.Get(idempotency.Replayed))
			}
			again := withKey(c, "k-1").Do(create, vars("EQ-1"))
			if again.Header.Get(idempotency.Replayed) != "true" || string(again.Data) != string(first.Data) || again.Status != first.Status {
				t.Fatalf("retry: status %d data %s replayed=%q; want the first answer %s", again.Status, again.Data, again.Header.Get(idempotency.Replayed), first.Data)
			}
			if n := equipements(t, env, "EQ-1"); n != 1 {
				t.Fatalf("%d equipements after a retry, want 1", n)
			}

			// The same key with another request is refused, and does nothing.
			mismatch := withKey(c, "k-1").Do(create, vars("EQ-2"))
			if mismatch.Status != http.StatusConflict || len(mismatch.Errors) != 1 || mismatch.Errors[0].Code() != string(domain.CodeConflict) {
				t.Fatalf("same key, other body: status %d errors %+v; want 409 CONFLICT", mismatch.Status, mismatch.Errors)
			}
			if n := equipements(t, env, "EQ-2"); n != 0 {
				t.Fatalf("the refused request created %d equipements", n)
			}

			// Keys are the user's own: another user's k-1 is another key.
			theirs := withKey(env.As(t, other), "k-1").Do(create, vars("EQ-3"))
			if len(theirs.Errors) > 0 || theirs.Header.Get(idempotency.Replayed) != "" || equipements(t, env, "EQ-3") != 1 {
				t.Fatalf("another user's key: %+v replayed=%q", theirs.Errors, theirs.Header.Get(idempotency.Replayed))
			}

			// An error answer is an answer: its retry gets it again (nothing ran twice).
			dup := withKey(c, "k-dup").Do(create, vars("EQ-1"))
			if len(dup.Errors) == 0 || dup.Errors[0].Code() != string(domain.CodeConflict) {
				t.Fatalf("duplicate code: %+v", dup.Errors)
			}
			dupAgain := withKey(c, "k-dup").Do(create, vars("EQ-1"))
			if dupAgain.Header.Get(idempotency.Replayed) != "true" || len(dupAgain.Errors) != 1 {
				t.Fatalf("retry of an error: replayed=%q errors %+v", dupAgain.Header.Get(idempotency.Replayed), dupAgain.Errors)
			}

			// After a day the key is forgotten: the same request acts again.
			env.Clock.Advance(idempotency.DefaultTTL + time.Minute)
			if err := env.Client.Equipement.Update().Where(equipement.Code("EQ-1")).SetCode("EQ-1-old").Exec(env.Sys); err != nil {
				t.Fatal(err)
			}
			later := withKey(env.As(t, resp), "k-1").Do(create, vars("EQ-1"))
			if len(later.Errors) > 0 || later.Header.Get(idempotency.Replayed) != "" || equipements(t, env, "EQ-1") != 1 {
				t.Fatalf("after the TTL: %+v replayed=%q", later.Errors, later.Header.Get(idempotency.Replayed))
			}
		})
	}
}

// TestConcurrentRetriesActOnce sends one request many times at once with one key: exactly
// one runs; the others get its answer or are told it is still running.
func TestConcurrentRetriesActOnce(t *testing.T) {
	env := apptest.New(t)
	c := withKey(env.As(t, env.User(t, "Resp", domain.RoleResponsable)), "same")
	vars := map[string]any{"in": map[string]any{"nom": "Pompe", "code": "EQ-RACE"}}
	const n = 12
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		fresh   int
		replays int
		running int
	)
	for range n {
		wg.Go(func() {
			r := c.Do(create, vars)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == http.StatusConflict && len(r.Errors) == 1 && r.Errors[0].Code() == string(domain.CodeConflict):
				running++
			case r.Header.Get(idempotency.Replayed) == "true":
				replays++
			case len(r.Errors) == 0:
				fresh++
			default:
				t.Errorf("unexpected answer: status %d errors %+v", r.Status, r.Errors)
			}
		})
	}
	wg.Wait()
	if fresh != 1 || fresh+replays+running != n {
		t.Fatalf("%d ran, %d replayed, %d told it runs; want exactly 1 run of %d", fresh, replays, running, n)
	}
	if got := equipements(t, env, "EQ-RACE"); got != 1 {
		t.Fatalf("%d equipements, want 1", got)
	}
}

func TestKeyValidationAndScope(t *testing.T) {
	env := apptest.New(t)
	c := env.As(t, env.User(t, "Resp", domain.RoleResponsable))
	vars := map[string]any{"in": map[string]any{"nom": "Pompe", "code": "EQ-V"}}

	long := make([]byte, idempotency.MaxKeyLen+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, key := range []string{string(long), "clé"} {
		r := withKey(c, key).Do(create, vars)
		if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Code() != string(domain.CodeBadUserInput) {
			t.Errorf("key %.20q: status %d errors %+v; want 400 BAD_USER_INPUT", key, r.Status, r.Errors)
		}
	}
	if n := equipements(t, env, "EQ-V"); n != 0 {
		t.Fatalf("a refused key still created %d equipements", n)
	}

	// Without a viewer nothing is remembered: the request fails authentication as usual.
	anon := withKey(env.GraphQL(t, ""), "anon").Do(create, vars)
	if len(anon.Errors) == 0 || anon.Errors[0].Code() != string(domain.CodeUnauthenticated) {
		t.Fatalf("anonymous: %+v", anon.Errors)
	}
	if n, _ := env.Client.IdempotencyKey.Query().Where(idempotencykey.Key("anon")).Count(env.Sys); n != 0 {
		t.Fatalf("an anonymous request stored a key")
	}
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/privacy"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
)

// Classify maps any error a resolver or REST handler returns to the API's vocabulary. It is
// the one place where storage errors become codes: a missing row is NOT_FOUND, a unique or
// foreign key violation CONFLICT, a field validator's refusal BAD_USER_INPUT, an unreachable
// database SERVICE_UNAVAILABLE, a full disk INSUFFICIENT_STORAGE. Anything else is internal.
func Classify(err error) *domain.Error {
	if e, ok := domain.AsError(err); ok {
		return e
	}
	switch {
	case errors.Is(err, privacy.Deny):
		return &domain.Error{Code: domain.CodeForbidden, Message: "not allowed for your role", Err: err}
	case ent.IsNotFound(err):
		return &domain.Error{Code: domain.CodeNotFound, Message: "not found", Err: err}
	case ent.IsConstraintError(err):
		return &domain.Error{Code: domain.CodeConflict, Message: "conflicts with existing data (duplicate value or row still in use)", Err: err}
	case ent.IsValidationError(err):
		var ve *ent.ValidationError
		errors.As(err, &ve)
		return &domain.Error{Code: domain.CodeBadUserInput, Message: fmt.Sprintf("invalid value for %s", ve.Name), Err: err}
	case database.Unavailable(err):
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the database is unavailable right now; try again in a few seconds", Err: err}
	case errors.Is(err, syscall.ENOSPC):
		return &domain.Error{Code: domain.CodeInsufficientStorage, Message: "the server's storage is full: nothing was saved; try again later or tell the administrator", Err: err}
	case errors.Is(err, context.Canceled):
		return &domain.Error{Code: domain.CodeCanceled, Message: "the request was canceled by the client", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &domain.Error{Code: domain.CodeInternal, Message: "the request took too long; try again", Err: err}
	default:
		return &domain.Error{Code: domain.CodeInternal, Message: "internal error", Err: err}
	}
}

// presentError is gqlgen's error presenter: every error leaves with extensions.code, and
// internal causes are logged, never shown.
func (r *Resolver) presentError(ctx context.Context, err error) *gqlerror.Error {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) && gqlErr.Err == nil {
		// Parse and validation errors from gqlgen itself already carry their code; the rest
		// (a persisted query's wrong hash, an argument's coercion) are the request's fault.
		if !r.suggestions {
			gqlErr.Message = withoutSuggestion(gqlErr.Message)
		}
		if _, ok := gqlErr.Extensions["code"]; !ok {
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			gqlErr.Extensions["code"] = string(domain.CodeBadUserInput)
		}
		return gqlErr
	}
	e := Classify(err)
	out := graphql.DefaultErrorPresenter(ctx, err)
	out.Message = e.Message
	if out.Extensions == nil {
		out.Extensions = map[string]any{}
	}
	out.Extensions["code"] = string(e.Code)
	switch e.Code {
	case domain.CodeInternal, domain.CodeInsufficientStorage:
		r.log.ErrorContext(ctx, "graphql internal error", "path", out.Path.String(), "code", e.Code, "error", err, "cause", e.Err)
	case domain.CodeCanceled:
		r.log.DebugContext(ctx, "graphql request canceled by the client", "path", out.Path.String())
	case domain.CodeUnavailable:
		// An outage, already visible on /ready: one line per request, not an alarm each.
		r.log.WarnContext(ctx, "graphql request during a database outage", "path", out.Path.String(), "error", err)
	}
	return out
}

// withoutSuggestion cuts the " Did you mean …?" that validation appends to messages about
// unknown arguments, types, enum values and input fields (gqlgen's switch covers only
// fields): it would reveal the schema that disabled introspection hides. The suggestion is
// always last and made of schema names, hence the last occurrence.
func withoutSuggestion(msg string) string {
	if i := strings.LastIndex(msg, " Did you mean "); i >= 0 && strings.HasSuffix(msg, "?") {
		return msg[:i]
	}
	return msg
}

// recoverPanic turns a resolver panic into an internal error instead of a dead connection.
func (r *Resolver) recoverPanic(ctx context.Context, v any) error {
	r.log.ErrorContext(ctx, "graphql resolver panic", "panic", v)
	return &domain.Error{Code: domain.CodeInternal, Message: "internal error", Err: fmt.Errorf("panic: %v", v)}
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/privacy"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
)

// Classify maps any error a resolver or REST handler returns to the API's vocabulary. It is
// the one place where storage errors become codes: a missing row is NOT_FOUND, a unique or
// foreign key violation CONFLICT, a field validator's refusal or a value PostgreSQL refuses
// BAD_USER_INPUT, an unreachable database SERVICE_UNAVAILABLE, a full disk
// INSUFFICIENT_STORAGE. Anything else is internal.
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
		refusal := domain.Errorf(domain.CodeBadUserInput, "invalid value for %s", fieldName(ve.Name))
		// ent wraps a validator's refusal once; a missing field has no reason beneath. The
		// reason is the validator's own English text.
		if reason := errors.Unwrap(errors.Unwrap(ve)); reason != nil {
			refusal = domain.Errorf(domain.CodeBadUserInput, "invalid value for %s: %s", fieldName(ve.Name), reason.Error())
		}
		refusal.Err = err
		return refusal
	case database.Refused(err):
		return &domain.Error{Code: domain.CodeBadUserInput, Message: "a value of the request is malformed or out of range", Err: err}
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
		// (a persisted query's wrong hash, a refusal before running) are the request's fault.
		if !r.suggestions {
			gqlErr.Message = withoutSuggestion(gqlErr.Message)
		}
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		if name, ok := variableRefused(ctx, gqlErr); ok {
			// A variable's value is the client's data, not its document: its coercion failing
			// is BAD_USER_INPUT, as an argument's.
			gqlErr.Extensions["code"] = string(domain.CodeBadUserInput)
			gqlErr.Message = fmt.Sprintf("invalid variable %s: %s", name, gqlErr.Message)
		} else if _, ok := gqlErr.Extensions["code"]; !ok {
			gqlErr.Extensions["code"] = string(domain.CodeBadUserInput)
		}
		return gqlErr
	}
	if refused := refusedArgument(ctx, gqlErr, err); refused != nil {
		err = refused
	}
	e := Classify(err)
	out := graphql.DefaultErrorPresenter(ctx, err)
	// out may be err itself (a gqlerror wrapping the cause): its text is taken for the log
	// before the message shown replaces it.
	cause := err.Error()
	lang := i18n.LangFrom(ctx)
	out.Message = e.Localize(lang)
	if out.Extensions == nil {
		out.Extensions = map[string]any{}
	}
	out.Extensions["code"] = string(e.Code)
	if len(e.Missing) > 0 {
		out.Extensions["missing"] = e.MissingIn(lang)
	}
	switch e.Code {
	case domain.CodeInternal, domain.CodeInsufficientStorage:
		r.log.ErrorContext(ctx, "graphql internal error", "path", out.Path.String(), "code", e.Code, "error", cause)
	case domain.CodeCanceled:
		r.log.DebugContext(ctx, "graphql request canceled by the client", "path", out.Path.String())
	case domain.CodeUnavailable:
		// An outage, already visible on /ready: one line per request, not an alarm each.
		r.log.WarnContext(ctx, "graphql request during a database outage", "path", out.Path.String(), "error", cause)
	case domain.CodeBadUserInput:
		if database.Refused(e.Err) {
			// The checks before the statement missed this value: worth a look, not an alarm.
			r.log.WarnContext(ctx, "graphql input refused by the database", "path", out.Path.String(), "error", cause)
		} else if e.Err != nil {
			r.log.DebugContext(ctx, "graphql input refused", "path", out.Path.String(), "error", cause)
		}
	}
	return out
}

// refusedArgument recognises an error raised while coercing a field's arguments (gqlgen
// puts the argument's name, and the input fields inside it, after the field's path) and
// makes it the BAD_USER_INPUT it is: arguments come from the client, so whatever stops
// their coercion is its mistake. The message names the argument and says what was
// expected; nil for other errors.
func refusedArgument(ctx context.Context, gqlErr *gqlerror.Error, err error) *domain.Error {
	fc := graphql.GetFieldContext(ctx)
	if gqlErr == nil || fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return nil
	}
	field := fc.Path()
	if len(gqlErr.Path) <= len(field) {
		return nil
	}
	for i, p := range field {
		if gqlErr.Path[i] != p {
			return nil
		}
	}
	at := gqlErr.Path[len(field):]
	name, ok := at[0].(ast.PathName)
	def := fc.Field.Definition.Arguments.ForName(string(name))
	if !ok || def == nil {
		return nil
	}
	var reason any
	if cause, ok := domain.AsError(err); ok && cause.Code == domain.CodeBadUserInput {
		reason = cause
	} else {
		reason = expected(def.Type, at[1:], argumentValue(ctx, fc.Field.Field, at))
	}
	refusal := domain.Errorf(domain.CodeBadUserInput, "invalid argument %s of %s: %s", argumentPath(at), fc.Field.Name, reason)
	refusal.Err = err
	return refusal
}

// variableRefused recognises the coercion of a variable's value, which gqlparser reports
// with a path made of "variable" and the variable's name (then the input fields and list
// indexes inside it), and names it ($in.dureeEstimee). A number that does not fit its type
// gets a message saying so: gqlparser's would name the wrong value or type.
func variableRefused(ctx context.Context, gqlErr *gqlerror.Error) (string, bool) {
	p := gqlErr.Path
	if len(p) < 2 || p[0] != ast.PathName("variable") {
		return "", false
	}
	name, ok := p[1].(ast.PathName)
	if !ok {
		return "", false
	}
	oc := graphql.GetOperationContext(ctx)
	if oc != nil && oc.Operation != nil {
		if def := oc.Operation.VariableDefinitions.ForName(string(name)); def != nil {
			switch want := typeAt(def.Type, p[2:]); {
			case want == nil:
			case want.NamedType == "Int" && strings.HasPrefix(gqlErr.Message, "cannot use"):
				gqlErr.Message = "expected an Int, a whole number within 64 bits"
			case want.NamedType == "Float" && strings.HasPrefix(gqlErr.Message, "cannot use"):
				gqlErr.Message = "expected a Float, a finite number"
			}
		}
	}
	return "$" + argumentPath(p[1:]), true
}

// argumentPath writes where.and[1].statut.
func argumentPath(p ast.Path) string {
	var b strings.Builder
	for _, e := range p {
		switch e := e.(type) {
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(e))
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(e))
		}
	}
	return b.String()
}

// argumentValue is the value the client gave at path p of the field's arguments, nil when
// it cannot be found.
func argumentValue(ctx context.Context, f *ast.Field, p ast.Path) any {
	var vars map[string]any
	if oc := graphql.GetOperationContext(ctx); oc != nil {
		vars = oc.Variables
	}
	var v any = f.ArgumentMap(vars)
	for _, e := range p {
		switch e := e.(type) {
		case ast.PathName:
			m, _ := v.(map[string]any)
			v = m[string(e)]
		case ast.PathIndex:
			l, ok := v.([]any)
			if !ok || int(e) >= len(l) {
				return nil
			}
			v = l[e]
		}
	}
	return v
}

// typeAt is the type at path p inside a value of type t (nil when p leads nowhere).
func typeAt(t *ast.Type, p ast.Path) *ast.Type {
	for _, e := range p {
		switch e := e.(type) {
		case ast.PathIndex:
			if t.Elem != nil {
				t = t.Elem
			}
		case ast.PathName:
			def := parsedSchema.Types[t.Name()]
			if def == nil {
				return nil
			}
			f := def.Fields.ForName(string(e))
			if f == nil {
				return nil
			}
			t = f.Type
		}
	}
	return t
}

// expected says what the schema wanted at path p inside a value of type t, and what came.
func expected(t *ast.Type, p ast.Path, got any) i18n.Message {
	if t = typeAt(t, p); t == nil {
		return i18n.M("not a valid value")
	}
	want := t.Name()
	if def := parsedSchema.Types[want]; def != nil && def.Kind == ast.Enum {
		if s, ok := got.(string); ok {
			return i18n.M("%s is not a value of %s (enum values are case-sensitive)", quoted(s), want)
		}
		return i18n.M("expected a value of %s, not %s", want, jsonKind(got))
	}
	if s, ok := got.(string); ok {
		return i18n.M("expected %s, not %s", want, quoted(s))
	}
	return i18n.M("expected %s, not %s", want, jsonKind(got))
}

// fieldName is the GraphQL name of an ent field (taux_horaire_centimes: tauxHoraireCentimes).
func fieldName(column string) string {
	parts := strings.Split(column, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
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

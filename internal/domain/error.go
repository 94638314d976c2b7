package domain

import (
	"errors"
	"fmt"

	"github.com/mifmaroc/erp/internal/i18n"
)

// Code is the error vocabulary of the whole API. GraphQL errors carry it in
// extensions.code; the REST endpoints turn it into an HTTP status (internal/httpserver).
type Code string

// Error codes.
const (
	CodeUnauthenticated   Code = "UNAUTHENTICATED"
	CodeForbidden         Code = "FORBIDDEN"
	CodeNotFound          Code = "NOT_FOUND"
	CodeBadUserInput      Code = "BAD_USER_INPUT"
	CodeConflict          Code = "CONFLICT"
	CodeInvalidTransition Code = "INVALID_TRANSITION"
	CodeLocked            Code = "LOCKED"
	CodeInternal          Code = "INTERNAL_SERVER_ERROR"
	// CodeTechnicianUnavailable: the technician is on leave, in training or unavailable;
	// staff may still assign him in an emergency with forcer and a reason.
	CodeTechnicianUnavailable Code = "TECHNICIAN_UNAVAILABLE"
	// CodeTechnicianInactive: the technician's account is deactivated or no longer a
	// TECHNICIEN; he takes no work at all.
	CodeTechnicianInactive Code = "TECHNICIAN_INACTIVE"
	// CodeEquipmentRetired: the equipement is RETIRE and takes no new work or planning.
	CodeEquipmentRetired Code = "EQUIPMENT_RETIRED"
	// CodeUnavailable: the database cannot be reached for now; the same request may succeed
	// once it is back (retry after a few seconds).
	CodeUnavailable Code = "SERVICE_UNAVAILABLE"
	// CodeInsufficientStorage: the server's disk is full; nothing was stored.
	CodeInsufficientStorage Code = "INSUFFICIENT_STORAGE"
	// CodeCanceled: the client went away (closed the connection, gave up) before the answer;
	// whatever the request had already committed stays.
	CodeCanceled Code = "CANCELED"
	// CodePasswordChangeRequired: the password was set by an admin; the user must change it
	// (changePassword) before anything else but reading me.
	CodePasswordChangeRequired Code = "PASSWORD_CHANGE_REQUIRED"
	// CodeRateLimited: too many requests of this kind; retry after the delay the answer gives.
	CodeRateLimited Code = "RATE_LIMITED"
	// CodeIncompleteWork: the intervention cannot be closed yet; extensions.missing lists
	// what it lacks (the report, required checklist points, a running time entry).
	CodeIncompleteWork Code = "INCOMPLETE_WORK"
	// CodeTooLarge: the answer would exceed a documented size (an export over
	// EXPORT_MAX_ROWS rows); the same request with a narrower filter succeeds.
	CodeTooLarge Code = "TOO_LARGE"
	// CodeRefetchRequired: a subscription resumed after a position whose following events are
	// no longer kept (LIVE_EVENTS_RETENTION); the client refetches, then subscribes afresh.
	CodeRefetchRequired Code = "REFETCH_REQUIRED"
	// CodePersistedQueryNotAllowed: the server runs only the operations of its trusted
	// documents manifest (GRAPHQL_TRUSTED_DOCUMENTS), and this one is not among them; the
	// client must be built with the manifest the server was given.
	CodePersistedQueryNotAllowed Code = "PERSISTED_QUERY_NOT_ALLOWED"
)

// Error is an error meant for the API's user: its Message is shown, so it never holds
// internal details. Message is English; the API shows Localize's rendering in the
// request's language, from Format and Args when Errorf made the error, else from the
// Message itself (a catalogue key too). Err, when set, is the cause, logged but not shown.
type Error struct {
	Code    Code
	Message string
	Format  string
	Args    []any
	Err     error
	// Missing lists what a request lacks, each item a sentence (INCOMPLETE_WORK); shown in
	// extensions.missing.
	Missing []i18n.Message
}

// Localize is the message in language l.
func (e *Error) Localize(l i18n.Lang) string {
	if e.Format != "" {
		return i18n.Translate(l, e.Format, e.Args...)
	}
	return i18n.Lookup(l, e.Message)
}

// MissingIn is the Missing list in language l.
func (e *Error) MissingIn(l i18n.Lang) []string {
	out := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		out[i] = m.Localize(l)
	}
	return out
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted message. format must be a literal English text:
// it is the key of the message's translations (internal/i18n), and their test collects
// the literals passed here. An argument may be an i18n.Localizer (another message, a
// domain Error) to be rendered in the same language.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: i18n.Translate(i18n.EN, format, args...), Format: format, Args: args}
}

// AsError returns the Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

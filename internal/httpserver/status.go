package httpserver

import (
	"net/http"

	"github.com/mifmaroc/erp/internal/domain"
)

// httpStatus is the one table from codes to REST statuses.
var httpStatus = map[domain.Code]int{
	domain.CodeUnauthenticated:        http.StatusUnauthorized,
	domain.CodeForbidden:              http.StatusForbidden,
	domain.CodeNotFound:               http.StatusNotFound,
	domain.CodeBadUserInput:           http.StatusBadRequest,
	domain.CodeConflict:               http.StatusConflict,
	domain.CodeInvalidTransition:      http.StatusConflict,
	domain.CodeLocked:                 http.StatusConflict,
	domain.CodeInternal:               http.StatusInternalServerError,
	domain.CodeTechnicianUnavailable:  http.StatusConflict,
	domain.CodeTechnicianInactive:     http.StatusConflict,
	domain.CodeEquipmentRetired:       http.StatusConflict,
	domain.CodeUnavailable:            http.StatusServiceUnavailable,
	domain.CodeInsufficientStorage:    http.StatusInsufficientStorage,
	domain.CodeCanceled:               499, // client closed request (no standard status says it)
	domain.CodePasswordChangeRequired: http.StatusForbidden,
	domain.CodeRateLimited:            http.StatusTooManyRequests,
	domain.CodeIncompleteWork:         http.StatusConflict,
	domain.CodeTooLarge:               http.StatusRequestEntityTooLarge,
}

// statusOf is the status a REST endpoint answers with for code c.
func statusOf(c domain.Code) int {
	if s, ok := httpStatus[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

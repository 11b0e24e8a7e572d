// Package antares holds what every part of Antares shares: the application
// error codes and their mapping to process exit status.
//
// Domain packages (governance, authority, risk, ledger, assess) return errors
// that carry one of the codes below; the command line translates them in
// exactly one place (ExitCode), so a user always sees a clear message and
// never an internal detail. The HTTP API will map them to statuses here too.
package antares

import (
	"errors"
	"fmt"
)

// Application error codes. They are part of the public interface: the JSON API
// returns them in its error bodies.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says how
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the request conflicts with the current state
	EUNAUTHORIZED = "unauthorized" // the caller is not authenticated
	EFORBIDDEN    = "forbidden"    // the caller (or the person named) lacks the authority
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is an application error: a code and a message meant for the user.
type Error struct {
	Code    string
	Message string
}

// Error returns the message, prefixed by nothing: it is written for users.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the application code of err: the code of the first *Error
// in its chain, "" for nil, and EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c interface{ ErrorCode() string }
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors are not
// shown to users: their message is replaced by a generic one.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if ErrorCode(err) != EINTERNAL {
		return err.Error()
	}
	return "internal error"
}

// Exit statuses of the antares command, grep-like: 0 the command succeeded
// and the answer is yes; 1 it ran and the answer is no (findings at or above
// --fail-on, a refused authorization, nobody found, a conflict); 2 the input
// could not be read; 3 an internal failure.
const (
	ExitOK       = 0
	ExitNegative = 1
	ExitInvalid  = 2
	ExitInternal = 3
)

var exitCodes = map[string]int{
	EINVALID:      ExitInvalid,
	ENOTFOUND:     ExitNegative,
	ECONFLICT:     ExitNegative,
	EUNAUTHORIZED: ExitNegative,
	EFORBIDDEN:    ExitNegative,
	EINTERNAL:     ExitInternal,
}

// ExitCode returns the process exit status for err (ExitOK for nil).
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	return exitCodes[ErrorCode(err)]
}

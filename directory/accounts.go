package directory

import (
	"context"
	"errors"
	"strconv"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/crm"
)

var _ api.AccountChecker = (*Directory)(nil)

// AccountStatus reports whether the user still exists and is enabled, and from when their
// sessions are valid. The API queries it for signed-in users, so disabling a user or setting
// a new password ends their older sessions.
func (d *Directory) AccountStatus(ctx context.Context, userID string) (api.AccountStatus, error) {
	id, err := strconv.ParseInt(userID, 10, 64)
	if err != nil || id <= 0 {
		return api.AccountStatus{}, nil
	}
	u, err := d.users.Get(ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return api.AccountStatus{}, nil
	}
	if err != nil {
		return api.AccountStatus{}, apiError(err)
	}
	return api.AccountStatus{Active: !u.Disabled, SessionsValidFrom: u.SessionsValidFrom}, nil
}

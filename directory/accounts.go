package directory

import (
	"context"
	"errors"
	"strconv"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/crm"
)

var _ api.AccountChecker = (*Directory)(nil)

// AccountActive reports whether the user may still sign in: the user exists and is not
// disabled. The API asks it for signed-in users, so disabling a user ends their sessions.
func (d *Directory) AccountActive(ctx context.Context, userID string) (bool, error) {
	id, err := strconv.ParseInt(userID, 10, 64)
	if err != nil || id <= 0 {
		return false, nil
	}
	u, err := d.users.Get(ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, apiError(err)
	}
	return !u.Disabled, nil
}

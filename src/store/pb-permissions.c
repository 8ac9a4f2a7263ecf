/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-permissions.h"

#include <glib/gi18n-lib.h>

#define ROLE_BIT(role) (1u << (role))
#define PACKER ROLE_BIT (PB_ROLE_PACKER)
#define SUPERVISOR ROLE_BIT (PB_ROLE_SUPERVISOR)
#define ADMIN ROLE_BIT (PB_ROLE_ADMIN)

#define PACKER_AND_UP (PACKER | SUPERVISOR | ADMIN)
#define SUPERVISOR_AND_UP (SUPERVISOR | ADMIN)
#define ADMIN_ONLY (ADMIN)

typedef struct
{
  guint roles;      /* bitmask of the roles that may do it */
  const char *name; /* stable, for the audit log */
} Permission;

/* The one table that decides every action. An action missing here has no
 * roles and no name; the unit test catches that. */
static const Permission permissions[PB_N_ACTIONS] = {
  [PB_ACTION_PACK] = { PACKER_AND_UP, "order.pack" },
  [PB_ACTION_VIEW_RECIPIENT] = { PACKER_AND_UP, "order.view_recipient" },
  [PB_ACTION_REPRINT_OWN_LABEL] = { PACKER_AND_UP, "label.reprint_own" },
  [PB_ACTION_SYNC] = { PACKER_AND_UP, "sync.run" },
  [PB_ACTION_VIEW_ORDERS] = { PACKER_AND_UP, "order.view" },
  [PB_ACTION_CHANGE_OWN_PASSWORD] = { PACKER_AND_UP, "password.change_own" },

  [PB_ACTION_VIEW_ACTIVITY] = { SUPERVISOR_AND_UP, "activity.view" },
  [PB_ACTION_VIEW_AUDIT] = { SUPERVISOR_AND_UP, "audit.view" },
  [PB_ACTION_MANAGE_PACKERS] = { SUPERVISOR_AND_UP, "user.manage_packers" },
  [PB_ACTION_REPRINT_ANY_LABEL] = { SUPERVISOR_AND_UP, "label.reprint_any" },
  [PB_ACTION_VOID_LABEL] = { SUPERVISOR_AND_UP, "label.void" },
  [PB_ACTION_MANIFEST] = { SUPERVISOR_AND_UP, "manifest.create" },
  [PB_ACTION_RESOLVE_OUTBOX] = { SUPERVISOR_AND_UP, "outbox.resolve" },
  [PB_ACTION_EXPORT_AUDIT] = { SUPERVISOR_AND_UP, "audit.export" },
  [PB_ACTION_REVIEW_ACCESS] = { SUPERVISOR_AND_UP, "access.review" },
  [PB_ACTION_VIEW_SETTINGS] = { SUPERVISOR_AND_UP, "settings.view" },
  [PB_ACTION_PURGE] = { SUPERVISOR_AND_UP, "retention.purge" },
  [PB_ACTION_CHOOSE_PRINTER] = { SUPERVISOR_AND_UP, "print.choose_printer" },
  [PB_ACTION_RELEASE_CLAIM] = { SUPERVISOR_AND_UP, "site.release_claim" },
  [PB_ACTION_SAVE_DESPATCH_NOTE] = { SUPERVISOR_AND_UP, "despatch_note.save" },

  [PB_ACTION_MANAGE_ALL_USERS] = { ADMIN_ONLY, "user.manage" },
  [PB_ACTION_CHANGE_SETTINGS] = { ADMIN_ONLY, "settings.change" },
  [PB_ACTION_CHANGE_CREDENTIALS] = { ADMIN_ONLY, "credentials.change" },
  [PB_ACTION_CHANGE_RETENTION] = { ADMIN_ONLY, "retention.change" },
  [PB_ACTION_BACKUP] = { ADMIN_ONLY, "store.backup" },
  [PB_ACTION_RESTORE] = { ADMIN_ONLY, "store.restore" },
  [PB_ACTION_WIPE] = { ADMIN_ONLY, "store.wipe" },
  [PB_ACTION_MANAGE_SITE] = { ADMIN_ONLY, "site.manage" },
};

typedef struct
{
  const char *name;         /* stable, stored in the database */
  const char *display_name; /* translatable */
  gboolean requires_totp;
} RoleInfo;

static const RoleInfo roles[PB_N_ROLES] = {
  [PB_ROLE_PACKER] = { "packer", N_ ("Packer"), FALSE },
  [PB_ROLE_SUPERVISOR] = { "supervisor", N_ ("Supervisor"), TRUE },
  [PB_ROLE_ADMIN] = { "admin", N_ ("Administrator"), TRUE },
};

/**
 * pb_permission_allows:
 * @role: who is asking
 * @action: what they want to do
 *
 * Returns: %TRUE when @role may do @action.
 */
gboolean
pb_permission_allows (PbRole role, PbAction action)
{
  g_return_val_if_fail ((guint)role < PB_N_ROLES, FALSE);
  g_return_val_if_fail ((guint)action < PB_N_ACTIONS, FALSE);

  return (permissions[action].roles & ROLE_BIT (role)) != 0;
}

/**
 * pb_permission_can_manage:
 * @actor_role: who is acting
 * @target_role: the role of the operator acted on
 *
 * Follows the table: whoever may manage all users manages everyone;
 * whoever may manage packers manages packers only.
 *
 * Returns: %TRUE when @actor_role may manage an operator with @target_role.
 */
gboolean
pb_permission_can_manage (PbRole actor_role, PbRole target_role)
{
  g_return_val_if_fail ((guint)actor_role < PB_N_ROLES, FALSE);
  g_return_val_if_fail ((guint)target_role < PB_N_ROLES, FALSE);

  if (pb_permission_allows (actor_role, PB_ACTION_MANAGE_ALL_USERS))
    return TRUE;
  if (pb_permission_allows (actor_role, PB_ACTION_MANAGE_PACKERS))
    return target_role == PB_ROLE_PACKER;
  return FALSE;
}

/**
 * pb_role_to_string:
 * @role: a role
 *
 * Returns: (transfer none): the stable name: "packer", "supervisor" or "admin".
 */
const char *
pb_role_to_string (PbRole role)
{
  g_return_val_if_fail ((guint)role < PB_N_ROLES, NULL);

  return roles[role].name;
}

/**
 * pb_role_from_string:
 * @text: a stable role name
 * @role: (out) (optional): the role, set only on success
 *
 * Returns: %TRUE when @text names a role exactly.
 */
gboolean
pb_role_from_string (const char *text, PbRole *role)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      if (g_str_equal (text, roles[i].name))
        {
          if (role != NULL)
            *role = (PbRole)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * pb_role_display_name:
 * @role: a role
 *
 * Returns: (transfer none): the translated, capitalised name for display.
 */
const char *
pb_role_display_name (PbRole role)
{
  g_return_val_if_fail ((guint)role < PB_N_ROLES, NULL);

  return _ (roles[role].display_name);
}

/**
 * pb_role_requires_totp:
 * @role: a role
 *
 * Returns: %TRUE when operators with @role must log in with a second factor.
 */
gboolean
pb_role_requires_totp (PbRole role)
{
  g_return_val_if_fail ((guint)role < PB_N_ROLES, TRUE);

  return roles[role].requires_totp;
}

/**
 * pb_action_to_string:
 * @action: an action
 *
 * Returns: (transfer none): the stable name, e.g. "user.manage".
 */
const char *
pb_action_to_string (PbAction action)
{
  g_return_val_if_fail ((guint)action < PB_N_ACTIONS, NULL);

  return permissions[action].name;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "store/pb-permissions.h"

/*
 * The expected matrix is written out here on its own, row by row, from
 * ARCHITECTURE.md's table of roles: any change to the permission table in
 * the code must be made here too, on purpose.
 */
static const struct
{
  PbAction action;
  const char *name;
  gboolean packer;
  gboolean supervisor;
  gboolean admin;
} expected[] = {
  /* action, stable name, packer, supervisor, admin */
  { PB_ACTION_PACK, "order.pack", TRUE, TRUE, TRUE },
  { PB_ACTION_VIEW_RECIPIENT, "order.view_recipient", TRUE, TRUE, TRUE },
  { PB_ACTION_REPRINT_OWN_LABEL, "label.reprint_own", TRUE, TRUE, TRUE },
  { PB_ACTION_SYNC, "sync.run", TRUE, TRUE, TRUE },
  { PB_ACTION_VIEW_ORDERS, "order.view", TRUE, TRUE, TRUE },
  { PB_ACTION_CHANGE_OWN_PASSWORD, "password.change_own", TRUE, TRUE, TRUE },
  { PB_ACTION_VIEW_ACTIVITY, "activity.view", FALSE, TRUE, TRUE },
  { PB_ACTION_VIEW_AUDIT, "audit.view", FALSE, TRUE, TRUE },
  { PB_ACTION_MANAGE_PACKERS, "user.manage_packers", FALSE, TRUE, TRUE },
  { PB_ACTION_REPRINT_ANY_LABEL, "label.reprint_any", FALSE, TRUE, TRUE },
  { PB_ACTION_VOID_LABEL, "label.void", FALSE, TRUE, TRUE },
  { PB_ACTION_MANIFEST, "manifest.create", FALSE, TRUE, TRUE },
  { PB_ACTION_RESOLVE_OUTBOX, "outbox.resolve", FALSE, TRUE, TRUE },
  { PB_ACTION_EXPORT_AUDIT, "audit.export", FALSE, TRUE, TRUE },
  { PB_ACTION_REVIEW_ACCESS, "access.review", FALSE, TRUE, TRUE },
  { PB_ACTION_VIEW_SETTINGS, "settings.view", FALSE, TRUE, TRUE },
  { PB_ACTION_PURGE, "retention.purge", FALSE, TRUE, TRUE },
  { PB_ACTION_CHOOSE_PRINTER, "print.choose_printer", FALSE, TRUE, TRUE },
  { PB_ACTION_RELEASE_CLAIM, "site.release_claim", FALSE, TRUE, TRUE },
  { PB_ACTION_SAVE_DESPATCH_NOTE, "despatch_note.save", FALSE, TRUE, TRUE },
  { PB_ACTION_MANAGE_ALL_USERS, "user.manage", FALSE, FALSE, TRUE },
  { PB_ACTION_CHANGE_SETTINGS, "settings.change", FALSE, FALSE, TRUE },
  { PB_ACTION_CHANGE_CREDENTIALS, "credentials.change", FALSE, FALSE, TRUE },
  { PB_ACTION_CHANGE_RETENTION, "retention.change", FALSE, FALSE, TRUE },
  { PB_ACTION_BACKUP, "store.backup", FALSE, FALSE, TRUE },
  { PB_ACTION_RESTORE, "store.restore", FALSE, FALSE, TRUE },
  { PB_ACTION_WIPE, "store.wipe", FALSE, FALSE, TRUE },
  { PB_ACTION_MANAGE_SITE, "site.manage", FALSE, FALSE, TRUE },
};

static void
test_permissions_matrix (void)
{
  gboolean seen[PB_N_ACTIONS] = { FALSE };

  /* Every action has exactly one row. */
  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, PB_N_ACTIONS);

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      PbAction action = expected[i].action;
      const gboolean allowed[PB_N_ROLES] = {
        [PB_ROLE_PACKER] = expected[i].packer,
        [PB_ROLE_SUPERVISOR] = expected[i].supervisor,
        [PB_ROLE_ADMIN] = expected[i].admin,
      };

      g_assert_false (seen[action]);
      seen[action] = TRUE;

      for (guint role = 0; role < PB_N_ROLES; role++)
        {
          gboolean got = pb_permission_allows ((PbRole)role, action);

          if (got != allowed[role])
            g_error ("%s for %s: expected %s, got %s", expected[i].name,
                     pb_role_to_string ((PbRole)role), allowed[role] ? "allow" : "deny",
                     got ? "allow" : "deny");
        }
    }
}

static void
test_permissions_action_names (void)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (pb_action_to_string (expected[i].action), ==, expected[i].name);

  /* Names are unique, so the audit log is unambiguous. */
  for (guint action = 0; action < PB_N_ACTIONS; action++)
    {
      const char *name = pb_action_to_string ((PbAction)action);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, (gpointer)name);
    }
}

static void
test_permissions_admin_everything (void)
{
  /* The admin may do everything, and nobody may do more than the admin. */
  for (guint action = 0; action < PB_N_ACTIONS; action++)
    {
      g_assert_true (pb_permission_allows (PB_ROLE_ADMIN, (PbAction)action));
      if (pb_permission_allows (PB_ROLE_PACKER, (PbAction)action))
        g_assert_true (pb_permission_allows (PB_ROLE_SUPERVISOR, (PbAction)action));
    }
}

static void
test_permissions_can_manage (void)
{
  /* [actor][target] */
  static const gboolean expected_manage[PB_N_ROLES][PB_N_ROLES] = {
    [PB_ROLE_PACKER]
    = { [PB_ROLE_PACKER] = FALSE, [PB_ROLE_SUPERVISOR] = FALSE, [PB_ROLE_ADMIN] = FALSE },
    [PB_ROLE_SUPERVISOR]
    = { [PB_ROLE_PACKER] = TRUE, [PB_ROLE_SUPERVISOR] = FALSE, [PB_ROLE_ADMIN] = FALSE },
    [PB_ROLE_ADMIN]
    = { [PB_ROLE_PACKER] = TRUE, [PB_ROLE_SUPERVISOR] = TRUE, [PB_ROLE_ADMIN] = TRUE },
  };

  for (guint actor = 0; actor < PB_N_ROLES; actor++)
    for (guint target = 0; target < PB_N_ROLES; target++)
      {
        gboolean got = pb_permission_can_manage ((PbRole)actor, (PbRole)target);

        if (got != expected_manage[actor][target])
          g_error ("%s managing %s: expected %s", pb_role_to_string ((PbRole)actor),
                   pb_role_to_string ((PbRole)target),
                   expected_manage[actor][target] ? "allowed" : "refused");
      }
}

static void
test_roles_strings (void)
{
  static const struct
  {
    PbRole role;
    const char *name;
    const char *display;
  } roles[] = {
    { PB_ROLE_PACKER, "packer", "Packer" },
    { PB_ROLE_SUPERVISOR, "supervisor", "Supervisor" },
    { PB_ROLE_ADMIN, "admin", "Administrator" },
  };
  static const char *const unknown[] = {
    "", "Packer", "ADMIN", "administrator", "packer ", "root", "supervisors",
  };

  g_assert_cmpuint (G_N_ELEMENTS (roles), ==, PB_N_ROLES);

  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      PbRole parsed = (PbRole)-1;

      g_assert_cmpstr (pb_role_to_string (roles[i].role), ==, roles[i].name);
      g_assert_true (pb_role_from_string (roles[i].name, &parsed));
      g_assert_cmpint (parsed, ==, roles[i].role);
      g_assert_cmpstr (pb_role_display_name (roles[i].role), ==, roles[i].display);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      PbRole parsed = PB_ROLE_SUPERVISOR;

      g_assert_false (pb_role_from_string (unknown[i], &parsed));
      /* A refusal leaves the caller's value alone. */
      g_assert_cmpint (parsed, ==, PB_ROLE_SUPERVISOR);
    }
}

static void
test_roles_totp (void)
{
  g_assert_false (pb_role_requires_totp (PB_ROLE_PACKER));
  g_assert_true (pb_role_requires_totp (PB_ROLE_SUPERVISOR));
  g_assert_true (pb_role_requires_totp (PB_ROLE_ADMIN));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/permissions/matrix", test_permissions_matrix);
  g_test_add_func ("/permissions/action-names", test_permissions_action_names);
  g_test_add_func ("/permissions/admin-everything", test_permissions_admin_everything);
  g_test_add_func ("/permissions/can-manage", test_permissions_can_manage);
  g_test_add_func ("/roles/strings", test_roles_strings);
  g_test_add_func ("/roles/totp", test_roles_totp);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One permission table decides every action; the UI and the CLI both ask it.
 */

typedef enum
{
  PB_ROLE_PACKER,
  PB_ROLE_SUPERVISOR,
  PB_ROLE_ADMIN,
} PbRole;

#define PB_N_ROLES (PB_ROLE_ADMIN + 1)

typedef enum
{
  /* packer and up */
  PB_ACTION_PACK,              /* scan, verify, ship an order, print its label */
  PB_ACTION_VIEW_RECIPIENT,    /* see an order's recipient (PII) */
  PB_ACTION_REPRINT_OWN_LABEL, /* reprint the label this operator printed last */
  PB_ACTION_SYNC,              /* ask for an Amazon sync now */
  PB_ACTION_VIEW_ORDERS,       /* see the queue (no PII) */
  PB_ACTION_CHANGE_OWN_PASSWORD,
  /* supervisor and up */
  PB_ACTION_VIEW_ACTIVITY,
  PB_ACTION_VIEW_AUDIT,
  PB_ACTION_MANAGE_PACKERS, /* add, disable, enable, unlock, reset packers */
  PB_ACTION_REPRINT_ANY_LABEL,
  PB_ACTION_VOID_LABEL,
  PB_ACTION_MANIFEST,
  PB_ACTION_RESOLVE_OUTBOX,     /* retry or discard failed remote operations */
  PB_ACTION_EXPORT_AUDIT,       /* CSV export, never PII */
  PB_ACTION_REVIEW_ACCESS,      /* mark access rights reviewed */
  PB_ACTION_VIEW_SETTINGS,      /* read business settings (secrets only as set/not set) */
  PB_ACTION_PURGE,              /* run a retention purge now */
  PB_ACTION_CHOOSE_PRINTER,     /* send a label to another CUPS queue than print.printer */
  PB_ACTION_RELEASE_CLAIM,      /* site mode: free an order another bench holds */
  PB_ACTION_SAVE_DESPATCH_NOTE, /* write a despatch note (an address) to a file */
  /* admin only */
  PB_ACTION_MANAGE_ALL_USERS, /* supervisors and admins too, roles */
  PB_ACTION_CHANGE_SETTINGS,
  PB_ACTION_CHANGE_CREDENTIALS,
  PB_ACTION_CHANGE_RETENTION,
  PB_ACTION_BACKUP,
  PB_ACTION_RESTORE,
  PB_ACTION_WIPE,
  PB_ACTION_MANAGE_SITE, /* create, join or leave a site */
} PbAction;

#define PB_N_ACTIONS (PB_ACTION_MANAGE_SITE + 1)

gboolean pb_permission_allows (PbRole role, PbAction action);

/* May @actor_role manage (add, disable, enable, unlock, reset) an operator
 * whose role is @target_role? Supervisors manage packers; admins everyone. */
gboolean pb_permission_can_manage (PbRole actor_role, PbRole target_role);

/* Stable names: "packer", "supervisor", "admin". */
const char *pb_role_to_string (PbRole role);
gboolean pb_role_from_string (const char *text, PbRole *role);
/* Translated, capitalised for display: "Packer", … */
const char *pb_role_display_name (PbRole role);
/* Supervisors and admins must use a second factor. */
gboolean pb_role_requires_totp (PbRole role);

/* Stable names for the audit log and tests, e.g. "user.manage". */
const char *pb_action_to_string (PbAction action);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The base of the supervisor's pages (activity, audit, operators, problems,
 * end of day): a READY PbSession ("session", construct-only), the window's
 * background work ("station", construct-only, nullable), a "busy" property
 * the page sets, and its data loaded again each time it is mapped, through
 * the reload vfunc.
 *
 * Store work runs in a worker thread on its own store connection
 * (pb_page_run_load, pb_page_run_action); a load cancels the one before it,
 * and everything is cancelled when the page goes.
 */

#define PB_TYPE_PAGE (pb_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (PbPage, pb_page, PB, PAGE, AdwBin)

struct _PbPageClass
{
  AdwBinClass parent_class;

  /* Loads the page's data again; called when the page is mapped. */
  void (*reload) (PbPage *self);
};

PbSession *pb_page_get_session (PbPage *self);
PbStation *pb_page_get_station (PbPage *self);

/* The window the page is in, for a dialog's parent; NULL before it is in one. */
GtkWindow *pb_page_get_window (PbPage *self);

gboolean pb_page_get_busy (PbPage *self);
void pb_page_set_busy (PbPage *self, gboolean busy);

void pb_page_reload (PbPage *self);

/*
 * Work on @worker, a connection of the session's store opened for this
 * thread. Runs in a worker thread: it may touch only @data.
 */
typedef gboolean (*PbPageWorkFunc) (PbStore *worker, gpointer data, GCancellable *cancellable,
                                    GError **error);

/* Runs @func in a worker thread, then @callback on the main thread with the
 * page as source object. A load cancels the load in progress, if any. */
void pb_page_run_load (PbPage *self, PbPageWorkFunc func, gpointer data, GDestroyNotify data_free,
                       GAsyncReadyCallback callback);
/* The same for an action: cancelled only when the page goes. */
void pb_page_run_action (PbPage *self, PbPageWorkFunc func, gpointer data, GDestroyNotify data_free,
                         GAsyncReadyCallback callback);

/* Cancels the load in progress, if any. */
void pb_page_cancel_load (PbPage *self);

/* Whether the work succeeded. @data (optional) receives the work's data, owned
 * by @result, on success and failure. A cancelled run, or a load that a newer
 * one replaced, fails with G_IO_ERROR_CANCELLED. */
gboolean pb_page_run_finish (PbPage *self, GAsyncResult *result, gpointer *data, GError **error);

/* Cancelled when the page goes, for work of the page's own. */
GCancellable *pb_page_get_cancellable (PbPage *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *pb_version_string (void);
const char *pb_application_id (void);
char *pb_user_agent (void);

G_END_DECLS

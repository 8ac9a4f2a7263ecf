/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gudev/gudev.h>

#include "pb-scale.h"

G_BEGIN_DECLS

/* Whether the hidraw device @device is a scale: its report descriptor (in
 * sysfs) declares the scale usage page. */
gboolean pb_scale_udev_device_is_scale (GUdevDevice *device);

/* The device node, name and USB id of the hidraw device @device; NULL when
 * it has no node. */
PbScaleInfo *pb_scale_info_new_from_udev (GUdevDevice *device);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "hw/pb-scale.h"
#include "pb-cli-commands.h"
#include "pb-cli-common.h"

/* How long `scale read` waits for a settled reading: a scale sends several
 * readings a second and settles within a second or two. */
#define READ_TIMEOUT_MS 5000

/* The state in words, for the human output. */
static const char *
state_display (PbScaleState state)
{
  switch (state)
    {
      case PB_SCALE_STATE_STABLE:
        /* Translators: a scale's reading, “Weight: 450 g (stable)” */
        return C_ ("scale state", "stable");
      case PB_SCALE_STATE_MOTION:
        /* Translators: a scale's reading that is still moving */
        return C_ ("scale state", "motion");
      case PB_SCALE_STATE_ZERO:
        /* Translators: a scale's reading with nothing on it */
        return C_ ("scale state", "zero");
      case PB_SCALE_STATE_NEGATIVE:
        /* Translators: a scale's reading under zero */
        return C_ ("scale state", "negative");
      case PB_SCALE_STATE_OVERLOAD:
        /* Translators: a scale that is loaded beyond what it can weigh */
        return C_ ("scale state", "overload");
      case PB_SCALE_STATE_NOT_READY:
      default:
        /* Translators: a scale with a fault, or that needs calibrating */
        return C_ ("scale state", "not ready");
    }
}

static gboolean
has_weight (const PbScaleReading *reading)
{
  return reading->state != PB_SCALE_STATE_OVERLOAD && reading->state != PB_SCALE_STATE_NOT_READY;
}

static void
print_reading (const PbScaleReading *reading, gboolean json)
{
  /* One line, as the issue gives it: {"grams": 450, "state": "stable"}. A
   * number and a fixed state name: nothing to escape. */
  if (json && has_weight (reading))
    printf ("{\"grams\": %d, \"state\": \"%s\"}\n", reading->grams,
            pb_scale_state_to_string (reading->state));
  else if (json)
    printf ("{\"grams\": null, \"state\": \"%s\"}\n", pb_scale_state_to_string (reading->state));
  else if (has_weight (reading))
    printf (_ ("Weight: %d g (%s)\n"), reading->grams, state_display (reading->state));
  else
    printf (_ ("Weight: none (%s)\n"), state_display (reading->state));
}

static int
scale_list (int argc, char **argv)
{
  static const char *synopsis = "scale list [--json]";
  g_autoptr (GPtrArray) scales = NULL;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);

  scales = pb_scale_list ();
  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < scales->len; i++)
        {
          PbScaleInfo *info = g_ptr_array_index (scales, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "device");
          json_builder_add_string_value (builder, info->device);
          json_builder_set_member_name (builder, "name");
          if (info->name != NULL)
            json_builder_add_string_value (builder, info->name);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "id");
          if (info->id != NULL)
            json_builder_add_string_value (builder, info->id);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }

  if (scales->len == 0)
    {
      printf ("%s\n", _ ("No USB scale found."));
      return PB_EXIT_OK;
    }
  for (guint i = 0; i < scales->len; i++)
    {
      PbScaleInfo *info = g_ptr_array_index (scales, i);
      g_autofree char *name = pb_cli_printable (info->name);

      printf ("%-16s %s%s%s%s\n", info->device, name != NULL ? name : _ ("(no name)"),
              info->id != NULL ? " (" : "", info->id != NULL ? info->id : "",
              info->id != NULL ? ")" : "");
    }
  return PB_EXIT_OK;
}

static int
scale_read (int argc, char **argv)
{
  static const char *synopsis = "scale read [--device PATH] [--json]";
  g_autoptr (GError) error = NULL;
  g_autoptr (PbScaleReader) reader = NULL;
  g_autofree char *device = NULL;
  PbScaleReading reading = { 0 };
  gboolean have_reading = FALSE;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_FILENAME, &device,
      N_ ("The scale’s hidraw node, or a file of its reports (default: the first scale found)"),
      N_ ("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  if (device != NULL && *device == '\0')
    return pb_cli_usage (synopsis, _ ("--device needs a path."));

  if (device == NULL)
    {
      g_autoptr (GPtrArray) scales = pb_scale_list ();

      if (scales->len == 0)
        {
          fprintf (stderr, "%s\n",
                   _ ("No USB scale found. Check that it is plugged in and switched on, or name "
                      "it with --device."));
          return PB_EXIT_FAILED;
        }
      device = g_strdup (((PbScaleInfo *)g_ptr_array_index (scales, 0))->device);
    }

  reader = pb_scale_reader_open (device, &error);
  if (reader == NULL)
    return pb_cli_fail (error);
  if (!pb_scale_reader_wait_settled (reader, READ_TIMEOUT_MS, &reading, &have_reading, &error))
    {
      /* The last reading still goes to a script, with the reason on
       * standard error. */
      if (have_reading && json)
        print_reading (&reading, TRUE);
      return pb_cli_fail (error);
    }
  print_reading (&reading, json);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_scale (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "scale list|read …";

  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return scale_list (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "read"))
    return scale_read (argc - 1, argv + 1);
  return pb_cli_usage (synopsis, _ ("Say what to do: list or read."));
}

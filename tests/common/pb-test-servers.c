/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

#include "pb-test-servers.h"
#include "station/pb-backup.h"

#ifdef __linux__
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

GSubprocess *
pb_test_spawn (GSubprocessFlags flags, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
#endif
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

char *
pb_test_read_line (GDataInputStream *lines)
{
  g_autoptr (GError) error = NULL;
  char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

guint
pb_test_reserve_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

void
pb_test_clickdrop_start (PbTestClickDrop *self, const char *tmpl, const char *manifest_polls)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *certs = g_test_build_filename (G_TEST_DIST, "servers", "pbcerts.py", NULL);
  g_autofree char *script
      = g_test_build_filename (G_TEST_DIST, "servers", "clickdrop_server.py", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *line = NULL;
  int status = 0;

  memset (self, 0, sizeof *self);
  self->dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { PB_TEST_PYTHON, certs, self->dir, NULL };

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_spawn_check_wait_status (status, &error);
    g_assert_no_error (error);
  }
  self->ca = g_build_filename (self->dir, "ca.pem", NULL);
  cert = g_build_filename (self->dir, "server.pem", NULL);
  key = g_build_filename (self->dir, "server.key", NULL);
  {
    const char *argv[] = { PB_TEST_PYTHON,
                           script,
                           "--cert",
                           cert,
                           "--key",
                           key,
                           "--api-key",
                           PB_TEST_CLICKDROP_API_KEY,
                           "--manifest-polls",
                           manifest_polls,
                           NULL };

    self->process = pb_test_spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = pb_test_read_line (out);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  self->port = (guint)g_ascii_strtoull (line + 5, NULL, 10);
  g_assert_cmpuint (self->port, >, 0);
}

void
pb_test_clickdrop_stop (PbTestClickDrop *self)
{
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
  pb_remove_tree (self->dir, NULL);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->ca, g_free);
}

JsonNode *
pb_test_clickdrop_control (PbTestClickDrop *self, PbHttpClient *http, const char *method,
                           const char *path, const char *body_json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/_test/%s", self->port, path);
  PbHttpRequest request = { .method = method, .url = url };
  GBytes *reply;
  gsize length = 0;
  const char *data;

  if (body_json != NULL)
    {
      body = g_bytes_new (body_json, strlen (body_json));
      request.body = body;
      request.content_type = "application/json";
    }
  response = pb_http_client_send (http, &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pb_http_response_get_status (response), <, 300);
  reply = pb_http_response_get_body (response);
  data = reply ? g_bytes_get_data (reply, &length) : NULL;
  if (data == NULL || length == 0)
    return NULL;
  json_parser_load_from_data (parser, data, (gssize)length, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

GBytes *
pb_test_sink_next_job (GDataInputStream *lines)
{
  g_autofree char *line = pb_test_read_line (lines);
  g_auto (GStrv) fields = g_strsplit (line, " ", 4);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[0], ==, "JOB");
  g_file_get_contents (fields[3], &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static char *
pb_test_json_string (JsonObject *object, const char *name)
{
  const char *value = json_object_get_string_member_with_default (object, name, NULL);

  g_assert_nonnull (value);
  return g_strdup (value);
}

gboolean
pb_test_pg_start (PbTestPg *self, char **skip_reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "servers", "pg_server.py", NULL);
  g_autofree char *line = NULL;
  const char *argv[] = { PB_TEST_PYTHON, script, "--print-uri", NULL };
  JsonObject *info;

  memset (self, 0, sizeof *self);
  /* It serves until its stdin closes (or it gets SIGTERM, as when this
   * process dies: pb_test_spawn). */
  self->process
      = pb_test_spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = pb_test_read_line (out);
  root = json_from_string (line, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  info = json_node_get_object (root);
  if (json_object_has_member (info, "skip"))
    {
      *skip_reason = pb_test_json_string (info, "skip");
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
      return FALSE;
    }
  self->uri = pb_test_json_string (info, "uri");
  self->ca = pb_test_json_string (info, "ca");
  self->socket_uri = pb_test_json_string (info, "socket_uri");
  self->superuser_uri = pb_test_json_string (info, "superuser_uri");
  self->password = pb_test_json_string (info, "password");
  self->dbname = pb_test_json_string (info, "dbname");
  self->port = (guint)json_object_get_int_member (info, "port");
  g_assert_cmpuint (self->port, >, 0);
  return TRUE;
}

void
pb_test_pg_stop (PbTestPg *self)
{
  g_autoptr (GError) error = NULL;

  if (self->process == NULL)
    return;
  g_output_stream_close (g_subprocess_get_stdin_pipe (self->process), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (self->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->process);
  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->ca, g_free);
  g_clear_pointer (&self->socket_uri, g_free);
  g_clear_pointer (&self->superuser_uri, g_free);
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->dbname, g_free);
}

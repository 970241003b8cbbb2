/* authkit.i: the SWIG interface of the low-level module authkit.capi, generated from the C
 * header alone. Only typemaps for the out-parameters live here; the Pythonic layer is the pure
 * Python package around it. Built with -threads: every call releases the GIL. */
%module(package="authkit") capi

%{
#include "authkit/authkit.h"
%}

%include <stdint.i>

/* Handles come back as opaque pointer objects: ak_xxx **out is a second return value. */
%define AK_HANDLE_OUT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) { $1 = &tmp; }
%typemap(argout) TYPE **out {
  $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0));
}
%enddef
AK_HANDLE_OUT(ak_config)
AK_HANDLE_OUT(ak_service)
AK_HANDLE_OUT(ak_request_context)

/* Text the library allocated: a str (None on failure), released with ak_free at once. */
%typemap(in, numinputs=0) char **out_json (char *tmp = NULL), char **out_text (char *tmp = NULL) {
  $1 = &tmp;
}
%typemap(argout) char **out_json, char **out_text {
  PyObject *text_ = Py_None;
  if (*$1) {
    text_ = PyUnicode_DecodeUTF8(*$1, (Py_ssize_t)strlen(*$1), "replace");
    ak_free(*$1);
    if (!text_) SWIG_fail;
  } else {
    Py_INCREF(Py_None);
  }
  $result = SWIG_Python_AppendOutput($result, text_);
}

%typemap(in, numinputs=0) int *out_ready (int tmp = 0) { $1 = &tmp; }
%typemap(argout) int *out_ready { $result = SWIG_Python_AppendOutput($result, PyBool_FromLong(*$1)); }

%typemap(in, numinputs=0) int64_t *out_revoked (int64_t tmp = 0) { $1 = &tmp; }
%typemap(argout) int64_t *out_revoked {
  $result = SWIG_Python_AppendOutput($result, PyLong_FromLongLong((long long)*$1));
}

/* A password is a str whose UTF-8 bytes are passed with their length (NUL bytes included). */
%typemap(in) (const char *pw, size_t pw_len) {
  Py_ssize_t len_ = 0;
  if (!PyUnicode_Check($input)) SWIG_exception_fail(SWIG_TypeError, "password must be str");
  $1 = (char *)PyUnicode_AsUTF8AndSize($input, &len_);
  if (!$1) SWIG_fail;
  $2 = (size_t)len_;
}
%typemap(typecheck) (const char *pw, size_t pw_len) { $1 = PyUnicode_Check($input) ? 1 : 0; }

/* SWIG's parser needs neither the visibility attribute nor noexcept. */
#define AUTHKIT_STATIC_DEFINE
%include "authkit/authkit.h"

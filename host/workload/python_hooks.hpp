// What gilhost adds to the embedded interpreter, kept out of the script's sight: no Python
// frame in any stack, nothing in sys.meta_path, no thread of its own when the script forks.
#pragma once

namespace gilhost::workload {

// threading.Thread names are only known to Python: the function threading starts its threads
// with (_thread.start_new_thread; start_joinable_thread from 3.13) is wrapped by a C function
// whose new thread names itself to the tracer before running the thread's Python code.
// Precondition: the GIL is held; throws python::PythonError.
void install_thread_naming();

// Around os.fork() (and multiprocessing's fork): the tracer's threads stop before and start
// again in the parent, so that CPython sees only the script's threads when it decides whether
// to warn that the process is multi-threaded (Modules/posixmodule.c, warn_about_fork_with_threads,
// called in the parent before the after_in_parent hooks run). Precondition: the GIL is held.
void install_fork_pause();

}  // namespace gilhost::workload

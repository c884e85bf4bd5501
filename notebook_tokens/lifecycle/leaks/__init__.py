"""Leak scan: find token values in local files, git history and workspace notebooks, and tell live from dead.

    matcher   the patterns (the PAT shape, every known token in every encoded form) over bytes, streaming
    encoded   the PAT shape inside base64, found by three fixed anchors of `dapi`
    hits      Hit (where a value was found) and Finding (a hit with its status)
    files     local files and folders, honouring .gitignore (gitignore.py), .ipynb cells (cells.py)
    parallel  a large tree on every CPU (workers answer only which paths hold a hit)
    workers   the worker processes from the parent's side: start, feed paths as the walk finds them, stop
    worker    the worker process itself: standard library and encoded.py only, ready in ~30 ms
    history   every blob reachable from a git repository's refs
    remote    the workspace's notebooks and files through the Workspace API
    status    live / not found / unknown, by token identity, without sending the leaked token anywhere
    cleanup   rewrite local files with [REDACTED] in place of each value; revoke what is live

No IPython here: `%dbtoken scan` (notebook/tokens/scan_command.py) renders and confirms.
"""

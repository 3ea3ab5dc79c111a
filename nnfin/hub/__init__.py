"""A class on JupyterHub on this machine (``make hub``): real accounts, the formgrader as a service.

``settings`` says where everything is, ``accounts`` makes the system users, ``student_side`` the
Python and configuration the students' servers run with, ``jupyterhub_config`` is the hub's
configuration, ``processes`` finds what a hub started, and ``serve`` starts and stops it all.
"""

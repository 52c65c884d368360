import sys

from hub.supervisor import SUPERVISE_ARG

if sys.argv[1:2] == ["up"] and len(sys.argv) > 2 and sys.argv[2].startswith(SUPERVISE_ARG):
    # `hub up` after its preparation (see hub.up.run_up): the light supervisor, no app
    from hub.supervisor import main as supervise

    supervise(sys.argv[2][len(SUPERVISE_ARG) :])
else:
    from hub.cli import main

    main()

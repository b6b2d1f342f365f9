version       = "1.7.0"
author        = "wepoll contributors"
description   = "The epoll API for Windows (wepoll.dll)"
license       = "BSD-2-Clause"
installFiles  = @["wepoll.nim"]
installDirs   = @["wepoll"]

requires "nim >= 1.6.0"

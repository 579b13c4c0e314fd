from tuyengiao.cli import main

main()

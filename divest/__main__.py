from divest.cli import main

main()

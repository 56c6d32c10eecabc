import ArgumentParser

// Entry point: `gateway` (serve), `gateway migrate`. See GatewayCommand.
GatewayCommand.main()

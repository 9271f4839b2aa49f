//! Starts the whole suite on loopback ports with fresh databases.

pub struct Running {
    pub gateway_url: String,
    pub suite: kefu::Suite,
}

impl Running {
    pub async fn stop(&self) {
        self.suite.stop().await;
    }
}

pub async fn start() -> Running {
    kefu_testkit::init_test_logging();
    let gateway_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gateway_url = format!("http://{}", gateway_listener.local_addr().unwrap());
    let database = kefu_testkit::fresh_database_url("accounts").await.unwrap();
    let config = kefu::SuiteConfig {
        accounts: kefu_accounts::Settings::for_tests(&database, &gateway_url),
        accounts_listener: std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        tickets: kefu_tickets::Settings::for_tests(
            &kefu_testkit::fresh_database_url("tickets").await.unwrap(),
            &gateway_url,
        ),
        tickets_listener: std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        gateway: kefu_gateway::Settings::new(gateway_url.clone()),
        gateway_listener,
        bus: kefu_events::BusSettings::embedded(
            &std::env::temp_dir()
                .join("kefu-tests")
                .join(kefu_testkit::unique_slug("bus")),
        ),
    };
    let suite = kefu::Suite::start(config).await.unwrap();
    Running { gateway_url, suite }
}

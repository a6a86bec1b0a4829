package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.config.CommandLineDisclosure;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each shape of secret on a command line, as {@code listeners.cmdline=redacted} shows it. */
class CommandLinesTest {
    private static final CommandLines REDACTED = new CommandLines(CommandLineDisclosure.REDACTED);

    /** The argv is given with '|' between arguments, so that one argument may hold spaces. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            /usr/bin/server|--password=hunter2                  # /usr/bin/server --password=***
            /usr/bin/server|--password|hunter2                  # /usr/bin/server --password ***
            java|-Djavax.net.ssl.keyStorePassword=hunter2       # java -Djavax.net.ssl.keyStorePassword=***
            redis-server|--requirepass|hunter2                  # redis-server --requirepass ***
            redis-server|--port|6379                            # redis-server --port 6379
            app|--db-pass=hunter2                               # app --db-pass=***
            app|pass:hunter2                                    # app pass:***
            env|PGPASSWORD=hunter2|psql                         # env PGPASSWORD=*** psql
            app|postgres://app:hunter2@db:5432/x                # app postgres://app:***@db:5432/x
            java|-jar|a.jar|jdbc:postgresql://db/x?user=a&password=hunter2&ssl=true # java -jar a.jar jdbc:postgresql://db/x?user=a&password=***&ssl=true
            app|jdbc:sqlserver://db;user=a;password=hunter2     # app jdbc:sqlserver://db;user=a;password=***
            mysql|-uroot|-phunter2|shop                         # mysql -uroot -p*** shop
            /usr/bin/mysqldump|-phunter2                        # /usr/bin/mysqldump -p***
            redis-cli|-p|6379                                   # redis-cli -p 6379
            ssh|-p2222|host                                     # ssh -p2222 host
            curl|-u|user:hunter2|http://x                       # curl -u user:*** http://x
            curl|-uuser:hunter2|http://x                        # curl -uuser:*** http://x
            curl|--user=user:hunter2|http://x                   # curl --user=user:*** http://x
            sudo|-u|bob|id                                      # sudo -u bob id
            app|{"user":"a","password":"hunter2"}               # app {"user":"a","password":"***"}
            app|{"apiToken": "hunter2 and more", "n": 1}        # app {"apiToken": "***", "n": 1}
            sh|-c|app --password hunter2 --port 1               # sh -c app --password *** --port 1
            sh|-c|exec mysql -phunter2 shop                     # sh -c exec mysql -p*** shop
            sudo|-u|db|mysql|-phunter2                          # sudo -u db mysql -p***
            java|-Dapp.name=billing|--port=7211                 # java -Dapp.name=billing --port=7211
            """)
    void eachShapeOfSecretIsHidden(String argv, String shown) {
        assertEquals(shown, REDACTED.shown(List.of(argv.split("\\|"))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            REDACTED # app ?[31mred?[0m ?evil?
            FULL     # app ?[31mred?[0m ?evil?
            """)
    void controlAndBidiCharactersNeverReachAValue(CommandLineDisclosure disclosure, String shown) {
        List<String> argv = List.of("app", "\u001b[31mred\u001b[0m", "\u202Eevil\u2066");
        assertEquals(shown, new CommandLines(disclosure).shown(argv));
        assertEquals("a?pp", new CommandLines(CommandLineDisclosure.OFF).shown(List.of("/bin/a\u0085pp")));
    }
}

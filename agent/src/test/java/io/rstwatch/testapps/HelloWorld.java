package io.rstwatch.testapps;

/** The smallest application: the agent must leave its output and exit code exactly as they are. */
public final class HelloWorld {
    public static void main(String[] args) {
        System.out.println("hello from the application");
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}

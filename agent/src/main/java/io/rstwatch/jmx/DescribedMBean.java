package io.rstwatch.jmx;

import java.lang.reflect.Method;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

/**
 * Registers an MXBean with the descriptions from its interface's {@link Description} annotations, so every
 * attribute is documented wherever a JMX client looks.
 *
 * @param <T> the MXBean interface
 */
public class DescribedMBean<T> extends StandardMBean {
    private final Class<T> type;

    public DescribedMBean(T implementation, Class<T> type) throws NotCompliantMBeanException {
        super(implementation, type, true);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description d = type.getAnnotation(Description.class);
        return d != null ? d.value() : super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        String name = info.getName();
        for (String prefix : new String[] {"get", "is"}) {
            Description d = describe(prefix + name);
            if (d != null) {
                return d.value();
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        Description d = describe(info.getName());
        return d != null ? d.value() : super.getDescription(info);
    }

    private Description describe(String methodName) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName)) {
                return m.getAnnotation(Description.class);
            }
        }
        return null;
    }
}
